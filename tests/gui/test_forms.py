"""The one form builder: the form of every reducer and adapter matches its params dataclass, and
the projection panel and the compute dialog both use it and remember what was last used."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from embviz.core.params import as_dict, make_params, specs
from embviz.gui.forms import ParamsForm
from embviz.models import adapters
from embviz.reduce import reducers

ALL_PARAMS = [r.params_type for r in reducers] + [a.params for a in adapters]
EDITOR = {bool: QCheckBox, int: QSpinBox, float: QDoubleSpinBox, str: QLineEdit}


@pytest.mark.parametrize("params_type", ALL_PARAMS, ids=lambda t: t.__name__)
def test_form_has_one_bounded_editor_per_field(qtbot, params_type):
    form = ParamsForm()
    qtbot.addWidget(form)
    form.build(params_type, columns=["topic", "count"])
    visible = [f for f in dataclasses.fields(params_type) if not f.metadata.get("hidden")]
    assert list(form.editors) == [f.name for f in visible]
    assert form.layout_.rowCount() == len(visible)
    for spec in specs(params_type):
        editor = form.editors[spec.name]
        label = form.layout_.labelForField(
            form.layout_.itemAt(
                list(form.editors).index(spec.name), form.layout_.ItemRole.FieldRole
            ).widget()
        )
        assert label.text() == spec.label + ":"
        assert editor.toolTip() == spec.describe()
        if spec.choices_from == "metadata":
            assert isinstance(editor, QComboBox)
            assert [editor.itemData(i) for i in range(editor.count())] == ["", "topic", "count"]
        elif spec.choices:
            assert isinstance(editor, QComboBox)
            assert tuple(editor.itemData(i) for i in range(editor.count())) == spec.choices
        else:
            assert type(editor) is EDITOR[spec.type], spec.name
            if spec.type in (int, float):
                if spec.low is not None:
                    assert editor.minimum() == pytest.approx(spec.low)
                if spec.high is not None:
                    assert editor.maximum() == pytest.approx(min(spec.high, 2**31 - 1))
    # Untouched, the form gives back the dataclass's defaults.
    assert form.values() == as_dict(params_type())
    assert make_params(params_type, form.values()) == params_type()


def test_values_are_remembered_and_stale_ones_ignored(qtbot, tmp_path):
    from embviz.reduce.tsne import TSNEParams

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    form = ParamsForm()
    qtbot.addWidget(form)
    form.build(TSNEParams)
    form.editors["perplexity"].setValue(12.0)
    form.editors["metric"].setCurrentIndex(form.editors["metric"].findData("euclidean"))
    form.remember(settings, "projection/tsne")
    settings.setValue("projection/old", '{"perplexity": "lots", "metric": "manhattan", "gone": 1}')
    again = ParamsForm()
    qtbot.addWidget(again)
    again.build(TSNEParams)
    again.restore(settings, "projection/tsne")
    assert again.values()["perplexity"] == 12.0 and again.values()["metric"] == "euclidean"
    again.build(TSNEParams)
    again.restore(settings, "projection/old")  # values that no longer fit keep the defaults
    assert again.values() == as_dict(TSNEParams())


def test_both_panels_use_the_form_builder(window):
    assert isinstance(window.panels["projection"].form, ParamsForm)
    dialog = window.panels["compute"].open_dialog()
    assert isinstance(dialog.form, ParamsForm)
    dialog.hide()


def test_compute_dialog_remembers_model_and_parameters(window, qtbot):
    from embviz.gui.main_window import MainWindow

    dialog = window.panels["compute"].open_dialog()
    dialog.adapter_box.setCurrentIndex(dialog.adapter_box.findData("gensim"))
    dialog.fields["corpus"][1].setText("/no/such/corpus.txt")
    dialog.fields["epochs"][1].setValue(7)
    dialog.fields["architecture"][1].setCurrentIndex(1)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not window.runner.is_busy("compute"), timeout=30000)
    dialog.hide()
    window.settings.sync()
    again = MainWindow(settings=QSettings(window.settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    other = again.panels["compute"].open_dialog()
    assert other.adapter_box.currentData() == "gensim"
    values = other.form.values()
    assert values["corpus"] == "/no/such/corpus.txt"
    assert values["epochs"] == 7 and values["architecture"] == "skipgram"
    assert values["vector_size"] == 100  # untouched: the declared default
    other.hide()
    again.cancel()
