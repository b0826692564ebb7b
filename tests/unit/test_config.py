import re
from pathlib import Path

import pytest
import yaml

from app.config import SCHEMA_VERSION, ConfigError, Settings, load_settings, save_settings
from app.paths import assets_dir


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    return str(info.value)


def test_defaults_load_without_a_user_file(tmp_path):
    s = load_settings(tmp_path / "absent.yaml")
    assert s == Settings()
    assert s.schema_version == SCHEMA_VERSION


def test_user_file_overrides_only_what_it_names(tmp_path):
    s = load_settings(write(tmp_path, "audio:\n  input_device: USB Mic\ninteraction:\n  patience_s: 1.2\n"))
    assert s.audio.input_device == "USB Mic"
    assert s.interaction.patience_s == 1.2
    assert s.audio.block_ms == 10 and s.interaction.tick_ms == 200


def test_wrong_type_names_file_line_key_expected_and_found(tmp_path):
    msg = error_for(tmp_path, "schema_version: 1\naudio:\n  input_device: default\n  block_ms: fast\n")
    assert str(tmp_path / "config.yaml") in msg
    assert "line 4" in msg
    assert "'audio.block_ms'" in msg
    assert "expected a whole number" in msg
    assert "found 'fast'" in msg


def test_out_of_range_value(tmp_path):
    msg = error_for(tmp_path, "interaction:\n  patience_s: 30\n")
    assert "line 2" in msg and "'interaction.patience_s'" in msg
    assert "expected a number <= 5" in msg and "found 30" in msg


def test_unknown_key_suggests_the_close_one(tmp_path):
    msg = error_for(tmp_path, "audio:\n  imput_device: USB\n")
    assert "line 2" in msg and "unknown setting 'audio.imput_device'" in msg
    assert "Did you mean 'input_device'?" in msg


def test_unknown_section_lists_known_keys(tmp_path):
    msg = error_for(tmp_path, "speakers:\n  volume: 3\n")
    assert "line 1" in msg and "unknown setting 'speakers'" in msg
    assert "audio" in msg and "camera" in msg


def test_choice_outside_the_allowed_values(tmp_path):
    msg = error_for(tmp_path, "logging:\n  level: loud\n")
    assert "line 2" in msg and "'logging.level'" in msg
    assert re.search(r"expected one of .*'debug'.*'error'", msg) and "found 'loud'" in msg


def test_broken_yaml_syntax_points_at_the_line(tmp_path):
    msg = error_for(tmp_path, "audio:\n  input_device: a\n block_ms: 10\n    x: [\n")
    assert "not valid YAML" in msg and re.search(r"line [34]", msg)


def test_section_that_is_not_a_mapping(tmp_path):
    msg = error_for(tmp_path, "camera: yes please\n")
    assert "line 1" in msg and "'camera'" in msg and "expected a section of 'key: value' lines" in msg


def test_top_level_list_is_rejected(tmp_path):
    msg = error_for(tmp_path, "- audio\n- camera\n")
    assert "line 1" in msg and "found list" in msg


def test_newer_schema_version_is_refused(tmp_path):
    msg = error_for(tmp_path, f"schema_version: {SCHEMA_VERSION + 1}\n")
    assert "Update Tandem" in msg


def test_empty_file_means_defaults(tmp_path):
    assert load_settings(write(tmp_path, "# nothing yet\n")) == Settings()


def test_save_then_load_round_trips(tmp_path):
    s = load_settings(write(tmp_path, "camera:\n  enabled: true\n  fps: 5\n"))
    target = save_settings(s, tmp_path / "saved" / "config.yaml")
    assert load_settings(target) == s
    assert not list(target.parent.glob("*.tmp"))


def test_default_file_documents_every_setting():
    path = assets_dir() / "default-config.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    data = yaml.safe_load("\n".join(lines))
    assert Settings.model_validate(data) == Settings()

    def keys(model, prefix=""):
        for name, field in model.model_fields.items():
            sub = field.annotation
            if isinstance(sub, type) and hasattr(sub, "model_fields"):
                yield from keys(sub, f"{prefix}{name}.")
            else:
                yield prefix + name, name

    for dotted, leaf in keys(Settings):
        idx = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{leaf}:"))
        assert lines[idx - 1].strip().startswith("#"), f"{dotted} has no comment above it"
