"""Engines turn subjects into Outcomes: static (documents), live (endpoints), graph (inventories)."""
