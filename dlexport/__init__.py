"""dlexport: one Korean deep-learning glossary, exported as an Anki deck and a PowerPoint lecture deck."""

__version__ = "0.1.0"
