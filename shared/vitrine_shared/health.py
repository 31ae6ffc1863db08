"""Liveness and readiness. `/healthz`: the process answers. `/readyz`: every dependency the
service needs answers too (each check bounded in time, all run concurrently)."""

import asyncio
from collections.abc import Callable, Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from vitrine_shared.problems import problem_body, problem_response

ReadinessCheck = Callable[[], None]
"""Raises when the dependency is not usable."""

CHECK_TIMEOUT_S = 3.0


async def _run_check(check: ReadinessCheck) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(check), timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        return f"timed out after {CHECK_TIMEOUT_S:.0f}s"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready; the reason is reported
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return "ok"


def health_router(checks: Mapping[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", operation_id="healthz")
    def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", operation_id="readyz", responses={503: {"description": "A dependency is down"}})
    async def readyz() -> JSONResponse:
        names = list(checks)
        results = dict(zip(names, await asyncio.gather(*(_run_check(checks[n]) for n in names)), strict=True))
        failing = sorted(name for name, result in results.items() if result != "ok")
        if failing:
            body = problem_body(
                status=503,
                slug="not-ready",
                title="Not ready",
                detail=f"Not ready: {', '.join(failing)}",
                checks=results,
            )
            return problem_response(body)
        return JSONResponse({"status": "ready", "checks": results})

    return router
