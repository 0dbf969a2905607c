"""session version per user

Revision ID: 12a0session01
Revises: 7cf92d7c4fb2
Create Date: 2026-12-01 08:40:00

Every user gets a random session token, part of their session and remember cookies; changing it signs them
out everywhere. Existing users each get their own token (a shared constant default would let one user's
token be guessed from another's). Cookies issued before this revision carry no token: everyone logs in once.
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = '12a0session01'
down_revision = '7cf92d7c4fb2'
branch_labels = None
depends_on = None


def upgrade():
    # Added in place with a constant default (SQLite cannot add a NOT NULL column without one, and rebuilding
    # `users` fails with foreign keys on once other tables point at it); '' loads no one (mall.accounts.sessions).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), server_default='', nullable=False))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    ids = conn.execute(sa.select(users.c.id)).scalars().all()
    if ids:
        conn.execute(users.update().where(users.c.id == sa.bindparam('uid'))
                     .values(session_token=sa.bindparam('token')),
                     [{'uid': uid, 'token': secrets.token_urlsafe(32)} for uid in ids])


def downgrade():
    # In place as well (SQLite 3.35+ drops columns natively); a rebuild would hit the same foreign keys.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('session_token')
