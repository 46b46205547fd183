"""Specs that evolve: releases, renames, and carrying returns from one version to another.

- :mod:`~lks_templates.evolve.release`: ``lks-templates release`` writes a self-contained
  snapshot of each template and form version under ``template_specs/released/``, which
  returns of that version are read against ever after.
- :mod:`~lks_templates.evolve.renames`: which field of a newer version a field of an older
  one became, following each dataset field's ``renamed_from``.
- :mod:`~lks_templates.evolve.diff` (with ``change``, ``items``, ``locate``): every change
  between two versions of a template, placed in the newer spec, with the semver bump it
  needs; :mod:`~lks_templates.evolve.bumps`: whether a version bump is enough (``diff``,
  ``check``); :mod:`~lks_templates.evolve.sides`: the two sides of ``diff OLD NEW``.
- :mod:`~lks_templates.evolve.formulas`: whether a KPI means the same in two versions
  (its formula written out whole, renames followed).
"""
