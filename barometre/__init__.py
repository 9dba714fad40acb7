"""barometre: the open data warehouse behind the Baromètre de l'Observatoire Data Publica."""

__version__ = "0.1.0"
