"""Synthetic data at scale (``manage.py generate_data``): bulk rows written through the apps'
models' column lists, personal data encrypted and hashed by the same functions the models and
services use. docs/data-generation.md."""
