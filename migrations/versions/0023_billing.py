"""billing: invoices and credit notes as snapshots with their own lines (issue 18)

Revision ID: 0023_billing
Revises: 0022_impact
Create Date: 2026-12-07 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_billing'
down_revision = '0022_impact'
branch_labels = None
depends_on = None


def _text(name, length=None):
    kind = sa.String(length=length) if length else sa.Text()
    return sa.Column(name, kind, server_default='', nullable=False)


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        # An order has its invoice and any number of credit notes in the same series.
        batch_op.drop_constraint('uq_invoices_order_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_invoices_order_id'), ['order_id'], unique=False)
        batch_op.add_column(
            sa.Column('kind', sa.String(length=20), server_default='invoice', nullable=False)
        )
        batch_op.add_column(sa.Column('credits_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_invoices_credits_id_invoices'), 'invoices', ['credits_id'], ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_index(batch_op.f('ix_invoices_credits_id'), ['credits_id'], unique=False)
        for name in ('net', 'vat', 'rounding', 'reminders_sent'):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(
            sa.Column('currency', sa.String(length=3), server_default='SEK', nullable=False)
        )
        batch_op.add_column(
            sa.Column('locale', sa.String(length=5), server_default='sv', nullable=False)
        )
        batch_op.add_column(_text('reason', 300))
        batch_op.add_column(_text('seller_name', 200))
        batch_op.add_column(_text('seller_address'))
        batch_op.add_column(_text('seller_org_number', 20))
        batch_op.add_column(_text('seller_vat_number', 20))
        batch_op.add_column(
            sa.Column('pay_to_scheme', sa.String(length=10), server_default='bankgiro',
                      nullable=False)
        )
        batch_op.add_column(_text('pay_to_account', 40))
        batch_op.add_column(_text('pay_to_bic', 11))
        batch_op.add_column(_text('ocr', 25))
        batch_op.create_index(batch_op.f('ix_invoices_ocr'), ['ocr'], unique=False)
        batch_op.add_column(_text('buyer_name', 200))
        batch_op.add_column(_text('buyer_org_number', 20))
        batch_op.add_column(_text('buyer_vat_number', 20))
        batch_op.add_column(_text('buyer_address'))
        batch_op.add_column(_text('buyer_reference', 200))
        batch_op.add_column(_text('buyer_contact', 200))
        batch_op.add_column(_text('buyer_email', 254))
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('vat_percent', sa.Integer(), nullable=False),
    sa.Column('net', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=True),
    sa.Column('addon_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'], name=op.f('fk_invoice_lines_ticket_type_id_ticket_types'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['addon_id'], ['addons.id'], name=op.f('fk_invoice_lines_addon_id_addons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    # Invoices issued before: snapshotted from their orders as they are now, one line per
    # ticket type and price, one per add-on, at the price paid.
    _snapshot_existing()


def _vat_part(gross, percent):
    return (gross * percent * 2 + (100 + percent)) // (2 * (100 + percent))


def _snapshot_existing():
    bind = op.get_bind()
    invoices = bind.execute(sa.text(
        "SELECT i.id, i.number, o.buyer_organisation, o.buyer_name, o.org_number,"
        " o.invoice_address, o.invoice_reference, o.buyer_email, o.locale, e.currency"
        " FROM invoices i JOIN orders o ON o.id = i.order_id JOIN events e ON e.id = o.event_id"
    )).all()
    for row in invoices:
        groups = {}
        for ticket_type_id, name, price, percent in bind.execute(sa.text(
            "SELECT t.ticket_type_id, tt.name_sv, t.price, t.vat_percent FROM tickets t"
            " JOIN ticket_types tt ON tt.id = t.ticket_type_id"
            " WHERE t.order_id = :order AND t.status != 'cancelled' ORDER BY t.id"
        ), {"order": _order_of(bind, row.id)}).all():
            key = ("t", ticket_type_id, name, price, percent)
            groups[key] = groups.get(key, 0) + 1
        for addon_id, name, price, percent in bind.execute(sa.text(
            "SELECT a.addon_id, ad.name_sv, a.price, a.vat_percent FROM ticket_addons a"
            " JOIN addons ad ON ad.id = a.addon_id"
            " WHERE a.order_id = :order AND a.status != 'cancelled' ORDER BY a.id"
        ), {"order": _order_of(bind, row.id)}).all():
            key = ("a", addon_id, name, price, percent)
            groups[key] = groups.get(key, 0) + 1
        net = vat = gross = 0
        rates = {}
        for position, ((what, sold_id, name, price, percent), count) in enumerate(
            groups.items(), start=1
        ):
            line_net = count * (price - _vat_part(price, percent))
            rates[percent] = rates.get(percent, 0) + line_net
            gross += count * price
            bind.execute(sa.text(
                "INSERT INTO invoice_lines (invoice_id, position, kind, description, note,"
                " quantity, unit_price, vat_percent, net, ticket_type_id, addon_id) VALUES"
                " (:invoice, :position, 'item', :name, '', :count, :price, :percent, :net,"
                " :ticket_type, :addon)"
            ), {"invoice": row.id, "position": position, "name": name, "count": count,
                "price": price, "percent": percent, "net": line_net,
                "ticket_type": sold_id if what == "t" else None,
                "addon": sold_id if what == "a" else None})
        for percent, rate_net in rates.items():
            net += rate_net
            vat += (rate_net * percent * 2 + 100) // 200
        digits = str(row.number) + str((len(str(row.number)) + 2) % 10)
        total = 0
        for position, digit in enumerate(reversed(digits)):
            value = int(digit) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        bind.execute(sa.text(
            "UPDATE invoices SET amount = :gross, net = :net, vat = :vat, rounding = :rounding,"
            " currency = :currency, locale = :locale, buyer_name = :buyer, "
            " buyer_org_number = :org, buyer_address = :address, buyer_reference = :reference,"
            " buyer_contact = :contact, buyer_email = :email, ocr = :ocr WHERE id = :id"
        ), {"gross": gross, "net": net, "vat": vat, "rounding": gross - net - vat,
            "currency": row.currency, "locale": row.locale or "sv",
            "buyer": row.buyer_organisation or row.buyer_name, "org": row.org_number,
            "address": row.invoice_address, "reference": row.invoice_reference,
            "contact": row.buyer_name, "email": row.buyer_email,
            "ocr": digits + str(-total % 10), "id": row.id})


def _order_of(bind, invoice_id):
    return bind.execute(
        sa.text("SELECT order_id FROM invoices WHERE id = :id"), {"id": invoice_id}
    ).scalar()


def downgrade():
    op.execute("DELETE FROM invoices WHERE kind = 'credit_note'")
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))
    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_ocr'))
        batch_op.drop_index(batch_op.f('ix_invoices_credits_id'))
        batch_op.drop_constraint(batch_op.f('fk_invoices_credits_id_invoices'), type_='foreignkey')
        for name in ('kind', 'credits_id', 'net', 'vat', 'rounding', 'reminders_sent',
                     'currency', 'locale', 'reason', 'seller_name', 'seller_address',
                     'seller_org_number', 'seller_vat_number', 'pay_to_scheme',
                     'pay_to_account', 'pay_to_bic', 'ocr', 'buyer_name', 'buyer_org_number',
                     'buyer_vat_number', 'buyer_address', 'buyer_reference', 'buyer_contact',
                     'buyer_email', 'pdf', 'reminded_at'):
            batch_op.drop_column(name)
        batch_op.drop_index(batch_op.f('ix_invoices_order_id'))
        batch_op.create_unique_constraint('uq_invoices_order_id', ['order_id'])
