"""The simulated Alipay gateway's HTTP endpoints; the state is the app's
(`request.app.state.alipay`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hospital_bff.simulators.alipay.rules import MAX_USER_ID, AlipayState


def _state(request: Request) -> AlipayState:
    state: AlipayState = request.app.state.alipay
    return state


async def authorize(request: Request) -> Response:
    """The user agreed in Alipay: a one-time auth_code for `userId`."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    user_id = body.get("userId") if isinstance(body, dict) else None
    if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > MAX_USER_ID:
        return JSONResponse(
            {"code": "40001", "msg": "Missing Required Arguments", "sub_msg": "userId"},
            status_code=400,
        )
    return JSONResponse({"code": _state(request).authorize(user_id)})


async def gateway(request: Request) -> Response:
    # Common parameters in the query string, the method's own in the form body (either may
    # hold any of them, as at the real gateway).
    params: dict[str, str] = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Response(
        _state(request).gateway(params).encode("utf-8"),
        media_type="application/json;charset=utf-8",
    )
