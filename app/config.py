"""Settings: the bundled default YAML, overridden by the user's YAML, validated into one frozen object.

A wrong value stops start-up with one message naming the file, line, key, what was expected and what
was found, so the app never runs half-configured.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.paths import assets_dir, config_path

SCHEMA_VERSION = 1


class ConfigError(Exception):
    """A settings file cannot be used; the message tells the user what to fix."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AudioSettings(_Section):
    """Microphone and speaker."""

    input_device: str = "default"
    output_device: str = "default"
    block_ms: int = Field(10, ge=5, le=20)
    ring_seconds: float = Field(30.0, ge=5, le=600)
    reconnect_max_backoff_s: float = Field(5.0, gt=0, le=60)


class CameraSettings(_Section):
    """Camera capture."""

    enabled: bool = False
    device: str = "default"
    width: int = Field(320, ge=64, le=1920)
    fps: float = Field(10.0, gt=0, le=60)
    ring_frames: int = Field(32, ge=2, le=600)


class InteractionSettings(_Section):
    """The micro-turn loop and its floor policy."""

    tick_ms: int = Field(200, ge=50, le=1000)
    policy: Literal["model", "baseline", "placeholder"] = "model"
    patience: float = Field(0.5, ge=0, le=1)
    backchannel_rate: float = Field(0.5, ge=0, le=1)
    interruption_sensitivity: float = Field(0.8, ge=0, le=1)
    speech_threshold_db: float = Field(-40.0, ge=-90, le=0)
    patience_s: float = Field(0.8, ge=0.2, le=5)


class UiSettings(_Section):
    """The desktop window."""

    hotkey: str = "ctrl+alt+space"
    push_to_talk_hotkey: str = "ctrl+alt+p"
    mute_camera_hotkey: str = "ctrl+alt+c"
    interjections_per_minute: int = Field(3, ge=0, le=60)
    theme: Literal["system", "light", "dark"] = "system"


class SpeechSettings(_Section):
    """Speech recognition and synthesis."""

    asr_model: str = Field("tiny.en", min_length=1)
    asr_threads: int = Field(2, ge=1, le=64)
    voice: str = Field("en_US-joe-medium", min_length=1)
    echo_cancellation: bool = True
    echo_check_at_start: bool = True
    noise_suppression: bool = False
    backchannels: list[str] = ["mm-hm", "yeah", "okay", "right"]


class EmbeddedLLMSettings(_Section):
    """The embedded language model (llama.cpp)."""

    model_path: str | None = None
    n_threads: int = Field(0, ge=0, le=256)
    n_ctx: int = Field(2048, ge=256, le=131072)


class HttpLLMSettings(_Section):
    """An OpenAI-compatible server; its API key lives in the OS keyring, never here."""

    base_url: str = Field("http://127.0.0.1:11434/v1", pattern=r"^https?://\S+$")
    model: str = Field("llama3.2", min_length=1)
    keyring_user: str | None = None
    connect_timeout_s: float = Field(3.0, gt=0, le=120)
    read_timeout_s: float = Field(60.0, gt=0, le=3600)
    fallback_to_embedded: bool = True


class McpServerSettings(_Section):
    """One external tool server spoken to over MCP (stdio)."""

    name: str
    command: str
    args: list[str] = []
    env: dict[str, str] = {}
    trusted: bool = False
    timeout_s: float = Field(20.0, gt=0, le=600)


class ToolSettings(_Section):
    """Tools the reasoning model may call; each is off until configured."""

    documents_dir: str | None = None
    searxng_url: str | None = None
    camera_index: int | None = None
    mcp_servers: list[McpServerSettings] = []


class ReasoningSettings(_Section):
    """The background reasoning tier."""

    backend: Literal["embedded", "http"] = "embedded"
    notice_after_s: float = Field(1.0, gt=0, le=30)
    model_timeout_s: float = Field(120.0, gt=0, le=3600)
    embedded: EmbeddedLLMSettings = EmbeddedLLMSettings()
    http: HttpLLMSettings = HttpLLMSettings()
    tools: ToolSettings = ToolSettings()

    def as_dict(self) -> dict[str, Any]:
        """The plain dict the reasoning tier takes, with the user's data folder filled in."""
        from app.paths import data_dir

        return {**self.model_dump(mode="json"), "data_dir": str(data_dir())}


class PrivacySettings(_Section):
    """What Tandem keeps about the conversation."""

    transcript_retention_days: int = Field(30, ge=0, le=3650)


class LoggingSettings(_Section):
    """Diagnostics."""

    level: Literal["debug", "info", "warning", "error"] = "info"


class Settings(_Section):
    """Every setting Tandem reads; see assets/default-config.yaml for what each one does."""

    schema_version: int = SCHEMA_VERSION
    audio: AudioSettings = AudioSettings()
    camera: CameraSettings = CameraSettings()
    interaction: InteractionSettings = InteractionSettings()
    speech: SpeechSettings = SpeechSettings()
    reasoning: ReasoningSettings = ReasoningSettings()
    ui: UiSettings = UiSettings()
    privacy: PrivacySettings = PrivacySettings()
    logging: LoggingSettings = LoggingSettings()


# Migrations from version N to N + 1, applied in order to older user files.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a user file written for an older schema up to ``SCHEMA_VERSION``."""
    version = data.get("schema_version", SCHEMA_VERSION)
    while isinstance(version, int) and version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    return data


def _expected(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    kind = err["type"]
    table = {
        "int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
        "float_parsing": "a number", "float_type": "a number", "bool_parsing": "true or false",
        "bool_type": "true or false", "string_type": "text (put it in quotes)",
        "model_type": "a section of 'key: value' lines", "dict_type": "a section of 'key: value' lines",
        "string_too_short": "text that is not empty",
        "string_pattern_mismatch": "a web address starting with http:// or https://",
    }
    if kind in table:
        return table[kind]
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()))
        return f"a number {sign} {bound}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    return str(err["msg"]).lower()


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node at a pydantic error location (for its line number); the deepest one found."""
    node = root
    for key in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if k.value == key:
                node = v if key != loc[-1] else k
                break
        else:
            break
    return node


def _format_error(err: dict[str, Any], file: Path, root: yaml.Node | None, model: type[BaseModel]) -> str:
    loc = tuple(str(p) for p in err["loc"])
    key = ".".join(loc)
    node = _node_at(root, loc)
    line = f", line {node.start_mark.line + 1}" if node is not None and node is not root else ""
    if err["type"] == "extra_forbidden":
        section: Any = model
        for part in loc[:-1]:
            section = section.model_fields[part].annotation
        known = list(section.model_fields)
        close = difflib.get_close_matches(loc[-1], known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else f" Known keys here: {', '.join(known)}."
        return f"{file}{line}: unknown setting '{key}'.{hint}"
    found = err.get("input")
    return (f"{file}{line}: setting '{key}' expected {_expected(err)}, found {found!r}. "
            f"Fix the value or delete the line to use the default.")


def _read_yaml(path: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the settings file ({exc.strerror}).") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: this is not valid YAML ({problem}). "
                          f"Check the indentation and the ':' after each key.") from exc
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}, line 1: expected 'key: value' settings at the top level, "
                          f"found {type(data).__name__}.")
    return data, root


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def load_settings(path: Path | None = None) -> Settings:
    """Defaults overridden by the user's file (``path`` or the platform location, if it exists)."""
    defaults, _ = _read_yaml(assets_dir() / "default-config.yaml")
    user_path = path or config_path()
    user: dict[str, Any] = {}
    root = None
    if user_path.exists():
        user, root = _read_yaml(user_path)
        version = user.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version < 1:
            raise ConfigError(f"{user_path}: 'schema_version' must be a whole number >= 1, found {version!r}.")
        if version > SCHEMA_VERSION:
            raise ConfigError(f"{user_path}: written for settings version {version}, but this Tandem reads up to "
                              f"version {SCHEMA_VERSION}. Update Tandem or remove the file.")
        user = migrate(user)
    try:
        return Settings.model_validate(_merge(defaults, user))
    except ValidationError as exc:
        errors = exc.errors()
        more = f" ({len(errors) - 1} more problem(s) after this one.)" if len(errors) > 1 else ""
        raise ConfigError(_format_error(dict(errors[0]), user_path, root, Settings) + more) from exc


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` as the user's YAML atomically (a crash never leaves half a file)."""
    target = path or config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False), encoding="utf-8")
    tmp.replace(target)
    return target
