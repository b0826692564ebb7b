"""The speech benchmark runs end to end and reports every number it promises."""

from __future__ import annotations

import json

import pytest

from app.speech.bench import bench


@pytest.mark.slow
def test_bench_without_recordings_reports_all_numbers() -> None:
    result = bench(None)
    json.dumps(result)
    assert result["recordings"].startswith("skipped")
    for key in ("aec_erle_db", "vad_ms_per_frame", "asr_rtf_final", "asr_first_partial_compute_s", "tts_first_audio_s"):
        assert isinstance(result[key], float) and result[key] > 0
    assert result["aec_erle_db"] >= 25.0
    assert abs(result["aec_delay_estimate_ms"] - result["aec_delay_true_ms"]) <= 1.0
    assert 0.0 <= result["near_end_wer_no_echo"] <= result["near_end_wer_double_talk_ser0db_without_aec"]
