"""The health endpoint of the load balancers (django-health-check): the database, the
cache, the private storage and, when tasks go through one, the Celery broker.

No login, and nothing an outsider could use: each service is « ok » or « indisponible »,
never an error message, a host or a version. 200 when all answer, 503 otherwise (the
load balancer then sends no more requests to this server). The details of a failure go
to the log (the library logs each failed check).
"""

import asyncio

from django.conf import settings
from django.http import JsonResponse
from health_check import checks
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from .files import PRIVATE_STORAGE_ALIAS

OK = "ok"
DOWN = "indisponible"
# Seconds a service has to answer before it counts as down.
BROKER_TIMEOUT = 2


def _broker_client() -> RedisClient:
    return RedisClient.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_TIMEOUT,
        socket_timeout=BROKER_TIMEOUT,
    )


class HealthView(HealthCheckView):
    """GET /sante/ → {"statut": "ok", "services": {"base de données": "ok", …}}."""

    def get_checks(self):
        yield "base de données", checks.Database()
        yield "cache", checks.Cache()
        yield "stockage des pièces", checks.Storage(alias=PRIVATE_STORAGE_ALIAS)
        # Without a broker tasks run in the web process (CELERY_TASK_ALWAYS_EAGER).
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            yield "courtier des tâches", Redis(client_factory=_broker_client)

    async def get(self, request, *args, **kwargs):
        names, probes = zip(*self.get_checks(), strict=True)
        with self.get_executor() as executor:
            results = await asyncio.gather(*(probe.get_result(executor) for probe in probes))
        services = {
            name: DOWN if result.error else OK for name, result in zip(names, results, strict=True)
        }
        healthy = all(state == OK for state in services.values())
        return JsonResponse(
            {"statut": OK if healthy else DOWN, "services": services},
            status=200 if healthy else 503,
            json_dumps_params={"ensure_ascii": False},
        )
