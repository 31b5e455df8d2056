"""neurokg: knowledge graphs and citation graphs of neuro-AI and neuromorphic literature."""

from __future__ import annotations

__version__ = "0.1.0"
