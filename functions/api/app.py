"""Api: LiveHost's REST API (operators: Cognito; viewers' questions: API key). Routes live in
``livehost.api``; this handler only wires them into Powertools' resolver."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.api.routes import new_api

logger = Logger()
app = new_api()
for service in ("stepfunctions", "sqs"):  # made at init, not on a viewer's first question
    aws.client(service)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
