"""Derived, rebuildable indexes over the archive (keyword index; vectors live in cupola.embed)."""
