"""Unguessable URL tokens for the public iCal exports."""

import secrets

from odoo.tools import SQL


def new_token():
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def fill_missing_tokens(cr, table, column):
    """Give every row without a token one of its own.

    Tokens are set at creation rather than as a column default, which would
    give all existing rows the same value when the column is added.
    """
    cr.execute(
        SQL(
            "SELECT id FROM %s WHERE %s IS NULL",
            SQL.identifier(table),
            SQL.identifier(column),
        )
    )
    for (record_id,) in cr.fetchall():
        cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE id = %s",
                SQL.identifier(table),
                SQL.identifier(column),
                new_token(),
                record_id,
            )
        )
