"""Back-end connecteurs: typed async interfaces and the embedded default GRC."""
