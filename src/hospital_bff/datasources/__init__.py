"""The only code that speaks HTTP to the outside: HIS, bank, WeChat."""
