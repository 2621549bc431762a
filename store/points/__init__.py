"""Points: the members' immutable points ledger, its lots, earn rules, holds and liability (above sales)."""
