"""A deterministic demo catalogue with learners and activity, for demos and benchmarks."""

from catalogue.demo.generator import DEMO_NOW, DEMO_PASSWORD_HASH, DemoSummary, generate_demo

__all__ = ["DEMO_NOW", "DEMO_PASSWORD_HASH", "DemoSummary", "generate_demo"]
