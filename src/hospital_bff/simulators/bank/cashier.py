"""The bank's cashier page (`GET /cashier/{prepay_id}`): what a payer sees after following an
H5 payUrl. The page's frame is the template `simulators/static/cashier.html`."""

from __future__ import annotations

import html
from datetime import datetime
from functools import cache
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from hospital_bff.simulators.bank.bills import yuan
from hospital_bff.simulators.bank.records import PAID_STATES, Order

_BUTTONS = (
    "<form method='post'><button name='action' value='pay' "
    "style='font-size:1.2em;padding:.5em 3em'>支付</button></form>"
    "<form method='post'><button name='action' value='cancel'>取消</button></form>"
)


@cache
def _frame() -> Template:
    text = resources.files("hospital_bff.simulators").joinpath("static/cashier.html").read_text()
    return Template(text.rstrip("\n"))


def page(title: str, content: str) -> str:
    """A page of the cashier: a title and HTML content (already escaped)."""
    return _frame().substitute(title=html.escape(title), content=content)


def return_link(redirect_url: str | None) -> str:
    """WeChat Pay H5's way back: the merchant appends `redirect_url` to h5_url, and the payer
    returns there once done (the merchant then asks its server, never trusts the return).
    Only an http(s) address is linked."""
    if not redirect_url or urlsplit(redirect_url).scheme not in {"http", "https"}:
        return ""
    return f"<p><a href='{html.escape(redirect_url, quote=True)}'>返回商家</a></p>"


def cashier_html(
    order: Order, now: datetime, note: str | None, redirect_url: str | None = None
) -> str:
    """The order's amount and description, and the pay and cancel buttons while it is unpaid;
    once paid or given up, the link back to the merchant's page when it gave one."""
    back = return_link(redirect_url)
    amount = f"<p style='font-size:2em'>¥{yuan(order.total)}</p>"
    description = f"<p>{html.escape(order.description)}</p>"
    if order.trade_state in PAID_STATES:
        status = "<p>支付成功</p>"
        if order.transaction_id:
            status += f"<p><small>{html.escape(order.transaction_id)}</small></p>"
        return page("微信支付", amount + description + status + back)
    extra = f"<p>{html.escape(note)}</p>" if note else ""
    if order.closed:
        extra += "<p>订单已关闭</p>" + back
    elif order.time_expire is not None and now > order.time_expire:
        extra += "<p>订单已过期</p>"
    return page("微信支付", amount + description + extra + _BUTTONS)
