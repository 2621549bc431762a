"""Electronic membership (S2): members, tiers, consent, the dynamic member code (points: ``store.points``)."""
