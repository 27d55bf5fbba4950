"""The sums of an invoice or credit note, the same wherever they are shown: the PDF,
the e-invoice, the bookkeeping export and the order page all call totals().

Lines carry prices with VAT (as tickets are priced); a line's net is its quantity times
the unit price less the unit's VAT. The VAT of each rate is computed once, on the net
of that rate (as EN 16931 wants it: BR-CO-17), and the difference between that and the
prices the buyer saw (an öre or two) is an öresavrundning, so that what is to pay is
exactly the sum of the prices.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from ...models.billing import LineKind
from ...models.orders import vat_part


@dataclass(frozen=True)
class Rate:
    """What one VAT rate comes to on a document (öre): net after allowances, and VAT."""

    percent: int
    net: int
    vat: int


@dataclass(frozen=True)
class Totals:
    lines_net: int  # the items' net
    allowances_net: int  # taken off, net (positive)
    net: int  # lines_net - allowances_net
    vat: int
    rounding: int
    amount: int  # what the document is for: the sum of the prices, VAT included
    rates: tuple[Rate, ...]  # highest rate first


def line_net(quantity: int, unit_price: int, percent: int) -> int:
    return quantity * (unit_price - vat_part(unit_price, percent))


def vat_on_net(net: int, percent: int) -> int:
    """VAT on a net amount, rounded half away from zero to the öre."""
    sign = -1 if net < 0 else 1
    return sign * ((abs(net) * percent * 2 + 100) // 200)


def totals(lines: Iterable) -> Totals:
    """The sums of lines that have kind, quantity, unit_price, vat_percent and net."""
    nets: dict[int, int] = {}
    items_net = allowances_net = gross = 0
    for line in lines:
        sign = -1 if line.kind is LineKind.ALLOWANCE else 1
        if sign > 0:
            items_net += line.net
        else:
            allowances_net += line.net
        nets[line.vat_percent] = nets.get(line.vat_percent, 0) + sign * line.net
        gross += sign * line.quantity * line.unit_price
    rates = tuple(
        Rate(percent, net, vat_on_net(net, percent))
        for percent, net in sorted(nets.items(), reverse=True)
    )
    net = items_net - allowances_net
    vat = sum(r.vat for r in rates)
    return Totals(items_net, allowances_net, net, vat, gross - net - vat, gross, rates)
