"""Background reasoning tier: backends, context package, tasks, tools and generative-UI panels.

Entry points: ``app.reasoning.chat.chat`` (CLI), ``app.reasoning.runtime.build_worker`` (scheduler/UI),
``app.reasoning.bench.bench`` (benchmark). See README.md in this folder.
"""
