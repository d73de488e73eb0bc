"""Guichet's tools and processes: content build and training, the editors' tool,
console and widget, steering dashboard, RGPD commands, launcher."""
