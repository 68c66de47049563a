"""mlcert-desktop: an offline exam simulator for AWS machine-learning certifications."""

__version__ = "0.1.0"
