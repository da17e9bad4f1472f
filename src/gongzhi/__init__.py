"""Gongzhi (共治): one registry of places and people for a town, and the governance workflows on it."""
