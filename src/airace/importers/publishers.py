"""Who publishes each upstream dataset, under which licence, and how to cite it.

Kept apart from the parsers so that listing sources (CLI choices, provenance of a result)
does not import them.
"""

from __future__ import annotations

from airace.importers.parsed import Publisher

EPOCH_MODELS = Publisher(
    "Epoch AI",
    "Data on AI Models",
    "https://epoch.ai/data/ai-models",
    "CC BY 4.0",
    'Epoch AI, "Data on AI Models", published online at epoch.ai. Retrieved from '
    "https://epoch.ai/data/ai-models",
)
EPOCH_HARDWARE = Publisher(
    "Epoch AI",
    "Data on Machine Learning Hardware",
    "https://epoch.ai/data/machine-learning-hardware",
    "CC BY 4.0",
    'Epoch AI, "Data on Machine Learning Hardware", published online at epoch.ai. Retrieved '
    "from https://epoch.ai/data/machine-learning-hardware",
)
EPOCH_BENCHMARKS = Publisher(
    "Epoch AI",
    "AI Benchmarking Hub",
    "https://epoch.ai/benchmarks",
    "CC BY 4.0",
    'Epoch AI, "AI Benchmarking Hub", published online at epoch.ai. Retrieved from '
    "https://epoch.ai/benchmarks",
)
EPOCH_CLUSTERS = Publisher(
    "Epoch AI",
    "AI Supercomputers (GPU clusters)",
    "https://epoch.ai/data/ai-supercomputers",
    "CC BY 4.0",
    'Konstantin Pilz, Robi Rahman, James Sanders, Lennart Heim, "Trends in AI '
    'Supercomputers", published online at epoch.ai. Retrieved from '
    "https://epoch.ai/data/ai-supercomputers",
)

EPOCH_MODEL_VARIANTS = {
    "notable_ai_models": "epoch-notable",
    "all_ai_models": "epoch-all",
    "large_scale_ai_models": "epoch-large-scale",
    "frontier_ai_models": "epoch-frontier",
}

LMARENA = Publisher(
    "LMArena",
    "Text Arena leaderboard",
    "https://lmarena.ai/leaderboard",
    "not stated by the publisher (credit: LMArena (lmarena.ai), Chatbot Arena leaderboard)",
    "LMArena (lmarena.ai), Chatbot Arena leaderboard",
)

OPENROUTER = Publisher(
    "OpenRouter",
    "OpenRouter models API (/api/v1/models)",
    "https://openrouter.ai/models",
    "not stated by the publisher",
    "OpenRouter, https://openrouter.ai/api/v1/models",
)
