"""``python -m app.reasoning.llama_server ARGS``: llama-cpp-python's OpenAI-compatible server, made safe to start.

Same arguments as ``python -m llama_cpp.server``; it first applies the CPU workaround from
``embedded_backend.patch_llama_defaults`` so the server does not crash on machines where ggml's AMX
path is broken.
"""

from __future__ import annotations

from app.reasoning.embedded_backend import patch_llama_defaults


def main() -> None:
    """Patch llama.cpp's defaults, then hand over to llama_cpp.server's own entry point."""
    patch_llama_defaults()
    from llama_cpp.server.__main__ import main as server_main

    server_main()


if __name__ == "__main__":
    main()
