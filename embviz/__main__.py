from embviz.cli import main

raise SystemExit(main())
