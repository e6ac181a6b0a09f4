"""Spreadsheets in and out: import rosters and case ledgers, export lists (a client of services, no Qt)."""
