"""Each emulator gap that local/moto_gaps.py works around, shown on the raw emulator (in a
fresh interpreter, without LiveHost's patches), so that a moto upgrade that closes or moves a
gap fails here loudly. The work-arounds themselves are exercised by every integration test
through the ``cloud`` fixture; the last tests check them directly."""

from __future__ import annotations

import ast
import base64
import io
import json
import re
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.config import Config
from botocore.exceptions import ClientError
from roomdriver import Rooms, short_script

from livehost.models import Phase
from local import moto_gaps

pytestmark = pytest.mark.integration

PRELUDE = """
import json, time, boto3
from moto import mock_aws
region = "us-east-1"
"""


def raw_moto(code: str) -> str:
    """Run ``code`` against moto with none of LiveHost's patches; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_moto_is_the_pinned_version() -> None:
    import moto

    assert moto.__version__ == moto_gaps.MOTO_VERSION, (
        "re-check every gap below, then bump MOTO_VERSION"
    )


def test_gap_1_lambda_without_docker_echoes_instead_of_running_the_handler() -> None:
    printed = raw_moto("""
        with mock_aws(config={"lambda": {"use_docker": False}}):
            iam = boto3.client("iam", region_name=region)
            role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam = boto3.client("lambda", region_name=region)
            import io, zipfile
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("app.py", "def handler(e, c):\\n    raise ValueError('ran')\\n")
            lam.create_function(FunctionName="f", Runtime="python3.11", Role=role,
                                Handler="app.handler", Code={"ZipFile": buf.getvalue()})
            reply = lam.invoke(FunctionName="f", Payload=b'{"echo": 1}')
            print(json.dumps([reply.get("FunctionError"), reply["Payload"].read().decode()]))
    """)
    assert json.loads(printed) == [None, '{"echo": 1}'], (
        "moto now runs handlers: drop work-around 1"
    )


def test_gap_2_ivs_has_no_stream_keys_or_stop_stream() -> None:
    printed = raw_moto("""
        with mock_aws():
            ivs = boto3.client("ivs", region_name=region)
            reply = ivs.create_channel(name="c")
            out = [reply["channel"]["ingestEndpoint"], reply["channel"]["playbackUrl"]]
            for call in (lambda: ivs.get_stream_key(arn=reply["streamKey"]["arn"]),
                         lambda: ivs.stop_stream(channelArn=reply["channel"]["arn"]),
                         lambda: ivs.create_stream_key(channelArn=reply["channel"]["arn"])):
                try:
                    call(); out.append("ok")
                except Exception as exc:
                    out.append(type(exc).__name__)
            print(json.dumps(out))
    """)
    endpoint, playback, get_key, stop, create_key = json.loads(printed)
    assert endpoint == "ingest.example.com"
    assert playback.startswith("https://playback.example.com/"), "moto's playback URL plays now?"
    assert "ok" not in (get_key, stop, create_key), (
        "moto now has IVS stream keys: revisit work-around 2"
    )


def test_the_local_ivs_rotates_one_key_per_channel_at_one_playback_url(rooms: Rooms) -> None:
    # Given a channel of the local cloud, made with its first key
    ivs = rooms.cloud.client("ivs")
    made = ivs.create_channel(name="rotating", tags={"livehost:room": "gap-2-rotation"})
    arn, first = made["channel"]["arn"], made["streamKey"]["arn"]

    # When a second key is asked for while the first exists
    with pytest.raises(ClientError) as refused:
        ivs.create_stream_key(channelArn=arn)
    # Then it is refused, as IVS allows one key per channel
    assert refused.value.response["Error"]["Code"] == "ServiceQuotaExceededException"

    # When the key is rotated: deleted, then created
    ivs.delete_stream_key(arn=first)
    second = ivs.create_stream_key(channelArn=arn)["streamKey"]

    # Then the channel has the new key alone, and its playback URL now plays the new key's
    # stream (named by the channel and the key's number, never by the key)
    assert [k["arn"] for k in ivs.list_stream_keys(channelArn=arn)["streamKeys"]] == [second["arn"]]
    assert ivs.get_stream_key(arn=second["arn"])["streamKey"]["value"] == second["value"]
    playback = rooms.cloud.playback
    assert playback is not None
    channel_id = arn.rsplit("/", 1)[-1]
    assert playback.channels[channel_id].stream == "rotating-r2"
    assert rooms.cloud.ivs.stream_name(second["value"]) == "rotating-r2"
    assert ivs.get_channel(arn=arn)["channel"]["playbackUrl"] == made["channel"]["playbackUrl"]

    # When the channel is deleted
    ivs.delete_channel(arn=arn)
    # Then its key and its playback go with it
    with pytest.raises(ClientError):
        ivs.get_stream_key(arn=second["arn"])
    assert channel_id not in playback.channels


def test_gap_4_fn_sub_collapses_dollar_dollar() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
                        "Outputs": {"O": {"Value": {"Fn::Sub": ["$$.Task.Token ${X}", {"X": "x"}]}}}}
            cfn.create_stack(StackName="s", TemplateBody=json.dumps(template))
            print(cfn.describe_stacks(StackName="s")["Stacks"][0]["Outputs"][0]["OutputValue"])
    """)
    assert printed == "$.Task.Token x", "moto's Fn::Sub keeps $$ now: work-around 4 may use Fn::Sub"


def test_gap_5_cloudformation_state_machines_are_invisible_to_the_interpreter() -> None:
    printed = raw_moto("""
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            cfn = boto3.client("cloudformation", region_name=region)
            definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
            template = {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
                        "Properties": {"DefinitionString": definition, "RoleArn": "arn:aws:iam::123456789012:role/r"}}}}
            cfn.create_stack(StackName="s", TemplateBody=json.dumps(template))
            print(len(boto3.client("stepfunctions", region_name=region).list_state_machines()["stateMachines"]))
    """)
    assert printed == "0", (
        "CloudFormation's state machines now reach the interpreter: drop work-around 5"
    )


def test_gap_6_start_execution_sync_passes_pascal_case_to_boto3() -> None:
    printed = raw_moto("""
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            sfn = boto3.client("stepfunctions", region_name=region)
            role = "arn:aws:iam::123456789012:role/r"
            child = sfn.create_state_machine(name="c", roleArn=role, definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
            parent = sfn.create_state_machine(name="p", roleArn=role, definition=json.dumps(
                {"StartAt": "R", "States": {"R": {"Type": "Task",
                 "Resource": "arn:aws:states:::states:startExecution.sync:2",
                 "Parameters": {"StateMachineArn": child, "Name": "g0", "Input": {}}, "End": True}}}))["stateMachineArn"]
            arn = sfn.start_execution(stateMachineArn=parent)["executionArn"]
            for _ in range(100):
                d = sfn.describe_execution(executionArn=arn)
                if d["status"] != "RUNNING":
                    break
                time.sleep(0.1)
            print(json.dumps([d["status"], d.get("error")]))
    """)
    assert json.loads(printed) == ["FAILED", "States.Runtime"], (
        "startExecution.sync works: drop work-around 6"
    )


def test_gap_7_sqs_to_lambda_records_lose_message_attributes() -> None:
    printed = raw_moto("""
        with mock_aws():
            from moto.awslambda.models import LambdaFunction
            seen = []  # what the function would receive (recorded instead of running it)
            LambdaFunction.invoke = lambda self, body, *a: seen.append(json.loads(body)) or b"{}"
            iam = boto3.client("iam", region_name=region)
            role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam, sqs = boto3.client("lambda", region_name=region), boto3.client("sqs", region_name=region)
            lam.create_function(FunctionName="f", Runtime="python3.11", Role=role, Handler="a.h",
                                Code={"ZipFile": b"PK"})
            url = sqs.create_queue(QueueName="q")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f")
            sqs.send_message(QueueUrl=url, MessageBody="{}",
                             MessageAttributes={"run": {"DataType": "Number", "StringValue": "1"}})
            print(json.dumps(seen[0]["Records"][0]["messageAttributes"]))
    """)
    assert json.loads(printed) == {}, "moto now passes message attributes to Lambda (gap 7 closed)"


def test_gap_8_cloudformation_skips_alarms() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                "Namespace": "AWS/SQS", "MetricName": "M", "Statistic": "Sum", "Period": 60,
                "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}}
            cfn.create_stack(StackName="s", TemplateBody=json.dumps({"Resources": {"A": alarm}}))
            print(len(boto3.client("cloudwatch", region_name=region).describe_alarms()["MetricAlarms"]))
    """)
    assert printed == "0", "moto's CloudFormation creates alarms now: drop work-around 8"


def test_gap_8_cloudformation_skips_bucket_policies_and_the_api_gateway_account() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            document = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::gap-eight/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
            resources = {
                "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "gap-eight"}},
                "P": {"Type": "AWS::S3::BucketPolicy",
                      "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": document}},
                "A": {"Type": "AWS::ApiGateway::Account",
                      "Properties": {"CloudWatchRoleArn": "arn:aws:iam::123456789012:role/r"}},
            }
            cfn.create_stack(StackName="s", TemplateBody=json.dumps({"Resources": resources}))
            try:
                boto3.client("s3", region_name=region).get_bucket_policy(Bucket="gap-eight")
                policy = "set"
            except Exception:
                policy = "none"
            role = boto3.client("apigateway", region_name=region).get_account().get(
                "cloudwatchRoleArn", "none")
            print(policy, role)
    """)
    assert printed == "none none", "moto's CloudFormation makes these now: drop them from gap 8"


def test_gap_9_a_query_walks_and_sorts_the_whole_table() -> None:
    printed = raw_moto("""
        with mock_aws():
            from moto.dynamodb.models.table import Table
            walked = []
            all_items = Table.all_items
            Table.all_items = lambda self: walked.append(len(r := all_items(self))) or r
            ddb = boto3.client("dynamodb", region_name=region)
            ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "sk", "KeyType": "RANGE"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                   {"AttributeName": "sk", "AttributeType": "S"}])
            for pk, n in (("small", 2), ("large", 50)):
                for i in range(n):
                    ddb.put_item(TableName="t", Item={"pk": {"S": pk}, "sk": {"S": f"{i:03}"}})
            ddb.query(TableName="t", KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "small"}})
            print(json.dumps(walked))
    """)
    assert json.loads(printed) == [52], (
        "moto's Query no longer walks the whole table: drop work-around 9"
    )


def test_a_query_reads_its_partition_alone_with_the_same_results(rooms: Rooms) -> None:
    # Given a partition between two larger ones in the local cloud's table
    table = rooms.cloud.table()
    for pk, n in (("GAP9#a", 30), ("GAP9#b", 7), ("GAP9#c", 30)):
        with table.batch_writer() as batch:
            for i in range(n):
                batch.put_item(Item={"pk": pk, "sk": f"{pk}#{i:03}", "n": i})
    from moto.dynamodb.models.table import Table

    walked: list[int] = []
    patched = Table.all_items

    def counting(self: Table) -> list:
        items = patched(self)
        walked.append(len(items))
        return items

    Table.all_items = counting  # type: ignore[method-assign]
    try:
        # When it is queried: whole, a range, backwards, and a page at a time
        whole = table.query(KeyConditionExpression=Key("pk").eq("GAP9#b"))["Items"]
        middle = table.query(
            KeyConditionExpression=Key("pk").eq("GAP9#b")
            & Key("sk").between("GAP9#b#002", "GAP9#b#004")
        )["Items"]
        below = table.query(
            KeyConditionExpression=Key("pk").eq("GAP9#b") & Key("sk").lt("GAP9#b#002")
        )["Items"]
        backwards = table.query(
            KeyConditionExpression=Key("pk").eq("GAP9#b"), ScanIndexForward=False
        )
        first = table.query(KeyConditionExpression=Key("pk").eq("GAP9#b"), Limit=4)
        rest = table.query(
            KeyConditionExpression=Key("pk").eq("GAP9#b"),
            ExclusiveStartKey=first["LastEvaluatedKey"],
        )
    finally:
        Table.all_items = patched  # type: ignore[method-assign]
    # Then the results are DynamoDB's, and only the partition's items in range were walked
    assert [int(i["n"]) for i in whole] == list(range(7))
    assert [int(i["n"]) for i in middle] == [2, 3, 4]
    assert [int(i["n"]) for i in below] == [0, 1]
    assert [int(i["n"]) for i in backwards["Items"]] == list(range(6, -1, -1))
    assert [int(i["n"]) for i in first["Items"] + rest["Items"]] == list(range(7))
    assert walked == [7, 3, 2, 7, 7, 7]


def test_a_query_over_a_partition_being_written_answers(rooms: Rooms) -> None:
    # Given a large partition of the local cloud's table (the emulator serves each request on
    # a thread of its own)
    table = rooms.cloud.table()
    once = boto3.resource(  # no retry: an emulator's error is seen, not retried away
        "dynamodb",
        endpoint_url=rooms.cloud.endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    ).Table(table.name)
    with table.batch_writer() as batch:
        for i in range(3000):
            batch.put_item(Item={"pk": "GAP9#busy", "sk": f"{i:05}"})
    failures: list[str] = []

    def write() -> None:
        for i in range(3000, 3300):
            table.put_item(Item={"pk": "GAP9#busy", "sk": f"{i:05}"})

    def read() -> None:
        for _ in range(15):
            try:
                once.query(
                    KeyConditionExpression=Key("pk").eq("GAP9#busy")
                    & Key("sk").between("00100", "00199")
                )
            except ClientError as exc:
                failures.append(exc.response["Error"]["Message"])

    # When it is queried with a sort key condition while items are written into it (threads
    # switched as often as the interpreter can, as on a busy machine)
    threads = [threading.Thread(target=f) for f in (write, write, read, read)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    # Then every Query answers (the condition is tested on a copy of the partition)
    assert failures == []


def test_gap_10_and_11_each_execution_parses_its_definition_and_each_task_makes_a_client() -> None:
    printed = raw_moto("""
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True},
                              "lambda": {"use_docker": False}}):
            from moto.stepfunctions.parser.asl.parse import asl_parser
            from moto.stepfunctions.parser.asl.component.state.exec.state_task import (
                lambda_eval_utils,
            )
            counts = {"parsed": 0, "clients": 0}
            parse, make = asl_parser.AmazonStateLanguageParser.parse, lambda_eval_utils.boto_client_for
            def counting_parse(definition):
                counts["parsed"] += 1
                return parse(definition)
            def counting_make(**kwargs):
                counts["clients"] += 1
                return make(**kwargs)
            asl_parser.AmazonStateLanguageParser.parse = staticmethod(counting_parse)
            lambda_eval_utils.boto_client_for = counting_make
            iam = boto3.client("iam", region_name=region)
            role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            lam = boto3.client("lambda", region_name=region)
            fn = lam.create_function(FunctionName="f", Runtime="python3.11", Role=role,
                                     Handler="a.h", Code={"ZipFile": b"PK"})["FunctionArn"]
            sfn = boto3.client("stepfunctions", region_name=region)
            machine = sfn.create_state_machine(name="m", roleArn=role, definition=json.dumps(
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": fn, "End": True}}}
            ))["stateMachineArn"]
            before = dict(counts)
            for name in ("e1", "e2"):
                arn = sfn.start_execution(stateMachineArn=machine, name=name)["executionArn"]
                while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
                    time.sleep(0.05)
            print(json.dumps({k: counts[k] - before[k] for k in counts}))
    """)
    assert json.loads(printed) == {"parsed": 2, "clients": 2}, (
        "the interpreter now parses once or shares clients: revisit work-arounds 10 and 11"
    )


def test_the_interpreter_parses_each_definition_once_and_shares_its_clients(rooms: Rooms) -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.parse import asl_parser

    # Given the AnswerQuestion workflow, run once already
    def answer(name: str) -> dict:
        execution = rooms.sfn.start_execution(
            stateMachineArn=rooms.cloud.outputs["AnswerQuestionArn"],
            name=name,
            input=json.dumps(
                {
                    "roomId": "ghost-room",
                    "run": 1,
                    "questionId": name,
                    "viewerId": "v",
                    "text": "hi",
                    "mode": "NOW",
                    "askedAt": 1.0,
                }
            ),
        )["executionArn"]
        return rooms.wait(execution)

    answer("gap-11-warm")
    parse = asl_parser.AmazonStateLanguageParser.parse
    parsed: list[str] = []

    def counting(definition: str) -> tuple:
        parsed.append(definition)
        return parse(definition)

    asl_parser.AmazonStateLanguageParser.parse = staticmethod(counting)  # type: ignore[method-assign]
    try:
        # When it runs twice more
        results = [answer("gap-11-a"), answer("gap-11-b")]
    finally:
        asl_parser.AmazonStateLanguageParser.parse = staticmethod(parse)  # type: ignore[method-assign]
    # Then each ran in full (the ghost room's error is recorded) without parsing again
    assert [r["status"] for r in results] == ["FAILED", "FAILED"]
    assert [r["error"] for r in results] == ["RoomNotFound", "RoomNotFound"]
    assert parsed == []
    # And the tasks' clients are made once per service
    lambda_client = lambda_eval_utils.boto_client_for(region="us-east-1", service="lambda")
    assert lambda_eval_utils.boto_client_for(region="us-east-1", service="lambda") is lambda_client


def test_the_stacks_alarms_exist_in_the_local_cloud(rooms: Rooms) -> None:
    alarms_list = rooms.cloud.client("cloudwatch").describe_alarms()["MetricAlarms"]
    by_name = {a["AlarmName"]: a for a in alarms_list}
    assert sorted(by_name) == [
        "livehost-command-dead-letters",
        "livehost-event-dead-letters",
        "livehost-room-failures",
    ]
    failures = by_name["livehost-room-failures"]["Dimensions"][0]
    assert failures == {"Name": "StateMachineArn", "Value": rooms.cloud.outputs["RoomLifecycleArn"]}
    assert by_name["livehost-command-dead-letters"]["Dimensions"][0]["Value"].endswith(
        "commands-dlq.fifo"
    )
    # And the dashboard shows them, with every room's metrics
    body = json.loads(
        rooms.cloud.client("cloudwatch").get_dashboard(DashboardName="livehost-rooms")[
            "DashboardBody"
        ]
    )
    [alarms] = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert sorted(a.rsplit(":", 1)[-1] for a in alarms["properties"]["alarms"]) == sorted(by_name)
    assert sorted(alarms["properties"]["alarms"]) == sorted(a["AlarmArn"] for a in alarms_list)


def test_the_stacks_bucket_policy_and_api_logging_role_are_handled_in_the_local_cloud(
    rooms: Rooms,
) -> None:
    # Given the deployed stack
    cloud = rooms.cloud
    # Then the TLS-only bucket policy is reported as left out (the emulator is plain HTTP and
    # would refuse every request), not silently dropped
    [note] = [n for n in cloud.notes if n.startswith("AssetsBucketTlsOnly")]
    assert note.endswith(
        ": 0 statement(s) put on "
        + cloud.outputs["AssetsBucketName"]
        + " through the S3 API; 1 TLS-only statement(s) left out (the emulator is plain HTTP)"
    )
    # And API Gateway has the role it writes access logs with
    role = cloud.client("apigateway").get_account()["cloudwatchRoleArn"]
    assert role.startswith("arn:aws:iam::123456789012:role/livehost-ApiGatewayLogsRole")


def test_definition_substitutions_keep_context_paths() -> None:
    # Given a definition with a substitution and a context path
    resources = {
        "M": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": '{"Token.$": "$$.Task.Token", "Arn": "${FnArn}"}',
                "DefinitionSubstitutions": {"FnArn": {"Fn::GetAtt": ["Fn", "Arn"]}},
            },
        }
    }
    # When it is resolved for the emulator
    moto_gaps.resolve_definition_substitutions(resources)
    # Then it is a join that keeps $$ and references the function
    assert resources["M"]["Properties"]["DefinitionString"] == {
        "Fn::Join": [
            "",
            ['{"Token.$": "$$.Task.Token", "Arn": "', {"Fn::GetAtt": ["Fn", "Arn"]}, '"}'],
        ]
    }


def test_an_unknown_substitution_is_named() -> None:
    resources = {
        "M": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": '"${Missing}"',
                "DefinitionSubstitutions": {"Other": "x"},
            },
        }
    }
    with pytest.raises(ValueError, match=r"definition names \$\{Missing\}"):
        moto_gaps.resolve_definition_substitutions(resources)


def test_a_handler_exception_reaches_the_workflow_as_its_class_name(rooms: Rooms) -> None:
    # Given a room id that does not exist (BeginRun raises RoomNotFound)
    execution = rooms.sfn.start_execution(
        stateMachineArn=rooms.cloud.outputs["RoomLifecycleArn"],
        name="ghost-room-1",
        input=json.dumps({"roomId": "ghost-room"}),
    )["executionArn"]
    # When it runs
    result = rooms.wait(execution)
    # Then the execution fails with the Python exception's class name as its error
    assert (result["status"], result["error"]) == ("FAILED", "RoomNotFound")
    failed = [e for e in rooms.history(execution) if e["type"] == "LambdaFunctionFailed"]
    assert failed[0]["lambdaFunctionFailedEventDetails"]["error"] == "RoomNotFound"
    assert rooms.states(execution) == ["BeginRun"]


def test_each_invocation_sees_its_own_functions_environment(rooms: Rooms) -> None:
    # Given two functions with different variables, invoked at the same time from threads
    import os
    from concurrent.futures import ThreadPoolExecutor

    def as_function(env: dict[str, str]) -> str:
        token = moto_gaps._invocation_env.set(env)
        try:
            return os.environ["QUEUE_PREFIX"] + os.getenv("TABLE_NAME", "")
        finally:
            moto_gaps._invocation_env.reset(token)

    envs = [{"QUEUE_PREFIX": f"p{i}-", "TABLE_NAME": f"t{i}"} for i in range(20)]
    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(as_function, envs))
    assert seen == [f"p{i}-t{i}" for i in range(20)]
    assert "QUEUE_PREFIX" not in os.environ


def test_each_invocation_logs_with_its_own_functions_keys(rooms: Rooms, tmp_path) -> None:
    # Given two functions whose handlers share one Powertools service (one formatter), the
    # first still running when the second logs
    import io
    import zipfile
    from concurrent.futures import ThreadPoolExecutor

    (tmp_path / "app.py").write_text(
        textwrap.dedent("""
            import time
            from aws_lambda_powertools import Logger
            logger = Logger(service="gap-1-logs")

            @logger.inject_lambda_context(correlation_id_path="id")
            def handler(event, context):
                time.sleep(event["before"])
                logger.info("said", extra={"by": event["id"]})
                time.sleep(0.3 - event["before"])
                return {}
        """)
    )
    cloud = rooms.cloud
    bucket = cloud.outputs["AssetsBucketName"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("app.py", "")
    cloud.client("s3").put_object(Bucket=bucket, Key="gap-1/logs.zip", Body=archive.getvalue())
    cloud.registry.code_dirs["gap-1/logs.zip"] = tmp_path
    role = cloud.client("iam").create_role(RoleName="gap-1-logs", AssumeRolePolicyDocument="{}")
    lam = cloud.client("lambda")
    for name in ("gap-1-a", "gap-1-b"):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler="app.handler",
            Code={"S3Bucket": bucket, "S3Key": "gap-1/logs.zip"},
        )

    # When both run at once, each logging while the other is inside its handler
    def invoke(name: str, before: float) -> None:
        payload = json.dumps({"id": name, "before": before}).encode()
        assert "FunctionError" not in lam.invoke(FunctionName=name, Payload=payload)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(invoke, ["gap-1-a", "gap-1-b"], [0.2, 0.05]))

    # Then each line carries its own function's name and correlation id
    lines = [
        json.loads(line) for line in cloud.lambda_log.read_text().splitlines() if "said" in line
    ]
    said = [(x["by"], x["function_name"], x["correlation_id"]) for x in lines if x.get("by")]
    assert sorted(said) == [("gap-1-a",) * 3, ("gap-1-b",) * 3]


def test_gap_12_a_conditional_write_is_not_atomic() -> None:
    # Given raw moto, with the window between its condition check and its write widened
    printed = raw_moto("""
        import threading
        with mock_aws():
            from moto.dynamodb.models import table as table_module
            get_item = table_module.Table.get_item
            def slow_get_item(self, *a, **k):
                found = get_item(self, *a, **k)
                time.sleep(0.05)
                return found
            table_module.Table.get_item = slow_get_item
            ddb = boto3.client("dynamodb", region_name=region)
            ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            won = []
            def claim(who):
                try:
                    ddb.put_item(TableName="t", Item={"pk": {"S": "slot"}, "by": {"S": who}},
                                 ConditionExpression="attribute_not_exists(pk)")
                    won.append(who)
                except ddb.exceptions.ConditionalCheckFailedException:
                    pass
            threads = [threading.Thread(target=claim, args=(w,)) for w in "ab"]
            [t.start() for t in threads]; [t.join() for t in threads]
            print(len(won))
    """)
    # When two threads claim one item "if it does not exist" at once / Then both win
    assert printed == "2", "moto's conditional writes are atomic now: drop work-around 12"


def test_conditional_writes_are_atomic_in_the_local_cloud(rooms: Rooms) -> None:
    # Given the local cloud's table and twenty claims of one item at once
    from concurrent.futures import ThreadPoolExecutor

    from botocore.exceptions import ClientError

    table = rooms.cloud.table()

    def claim(who: int) -> bool:
        try:
            table.put_item(
                Item={"pk": "GAP#12", "sk": "slot", "by": who},
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except ClientError:
            return False

    # When they race / Then exactly one wins
    with ThreadPoolExecutor(20) as pool:
        assert sum(pool.map(claim, range(20))) == 1
    table.delete_item(Key={"pk": "GAP#12", "sk": "slot"})


def test_gap_13_the_rest_resolver_keeps_the_request_on_a_class() -> None:
    printed = raw_moto("""
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
        app = APIGatewayRestResolver()
        app.get("/x")(lambda: {"ok": True})
        app.resolve({"path": "/x", "httpMethod": "GET", "requestContext": {}}, None)
        print("current_event" in vars(BaseRouter))
    """)
    assert printed == "True", "Powertools keeps the request per resolver now: drop part of 13"


def test_concurrent_api_requests_each_get_their_own_answer(rooms: Rooms) -> None:
    # Given a room that exists and forty requests at once, half for it, half for rooms
    # that do not exist
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    rooms.create("gap-13-room")
    api = rooms.cloud.api
    token = api.issue_token("gap-13")

    def status(room_id: str) -> int:
        request = urllib.request.Request(
            f"{api.url}/rooms/{room_id}", headers={"authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    asked = ["gap-13-room" if i % 2 else f"gap-13-none-{i}" for i in range(40)]
    # When they run side by side
    with ThreadPoolExecutor(20) as pool:
        got = list(pool.map(status, asked))
    # Then each has its own status, and the function ran in several environments
    assert got == [200 if i % 2 else 404 for i in range(40)]
    assert rooms.cloud.api.environments.used > 1


def test_gap_14_dynamodb_results_pass_through_the_shape_serializer() -> None:
    printed = raw_moto("""
        with mock_aws():
            from moto.core import serialize
            walked = []
            picker = serialize.XFormedAttributePicker.__call__
            def counting(self, *a, **k):
                walked.append(1)
                return picker(self, *a, **k)
            serialize.XFormedAttributePicker.__call__ = counting
            ddb = boto3.client("dynamodb", region_name=region)
            ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
            walked.clear()
            ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
            print(len(walked) > 0)
    """)
    assert printed == "True", (
        "moto no longer walks shapes for DynamoDB results: drop work-around 14"
    )


ITEM_OPERATIONS = """
    ddb = boto3.client("dynamodb", region_name=region)
    ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}])
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    item = {**key, "n": {"N": "1.50"}, "b": {"BOOL": True}, "nul": {"NULL": True},
            "l": {"L": [{"S": "x"}, {"N": "2"}]}, "m": {"M": {"k": {"S": "v"}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bin": {"B": b"\\x00\\x01"}}
    seen = [
        ddb.put_item(TableName="t", Item=item, ReturnValues="ALL_OLD"),
        ddb.put_item(TableName="t", Item=item, ReturnValues="ALL_OLD"),
        ddb.get_item(TableName="t", Key=key, ConsistentRead=True),
        ddb.query(TableName="t", KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": "a"}}, Limit=1),
        ddb.scan(TableName="t"),
        ddb.update_item(TableName="t", Key=key, UpdateExpression="SET x = :x",
                        ExpressionAttributeValues={":x": {"N": "5"}}, ReturnValues="ALL_NEW"),
        ddb.batch_get_item(RequestItems={"t": {"Keys": [key]}}),
        ddb.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {**key, "sk": {"S": "2"}}}}]}),
        ddb.delete_item(TableName="t", Key=key, ReturnValues="ALL_OLD"),
    ]
    try:
        ddb.put_item(TableName="t", Item={**key, "sk": {"S": "2"}},
                     ConditionExpression="attribute_not_exists(pk)")
    except ddb.exceptions.ConditionalCheckFailedException as exc:
        seen.append(exc.response["Error"])
    for answer in seen:
        answer.pop("ResponseMetadata", None)
    print(repr(seen))
"""


def test_dynamodb_results_read_the_same_sent_as_they_are() -> None:
    # Given the same item operations answered by moto's serializer and by work-around 14
    plain = "from local import moto_gaps\nmoto_gaps.install_plain_dynamodb_results()\n"
    with_serializer = raw_moto("with mock_aws():\n" + textwrap.indent(ITEM_OPERATIONS, "    "))
    sent_as_is = raw_moto(plain + "with mock_aws():\n" + textwrap.indent(ITEM_OPERATIONS, "    "))
    # Then boto3 reads exactly the same answers (keys may come in another order)
    assert ast.literal_eval(sent_as_is) == ast.literal_eval(with_serializer)
    assert "'bin': {'B': b'\\x00\\x01'}" in sent_as_is


def test_gap_15_the_interpreter_keeps_every_thread_it_started() -> None:
    printed = raw_moto("""
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            from moto.stepfunctions.parser.utils import TMP_THREADS
            sfn = boto3.client("stepfunctions", region_name=region)
            arn = sfn.create_state_machine(
                name="m", roleArn="arn:aws:iam::123456789012:role/r",
                definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
            )["stateMachineArn"]
            before = len(TMP_THREADS)
            runs = [sfn.start_execution(stateMachineArn=arn, name=f"e{i}")["executionArn"] for i in range(5)]
            while any(sfn.describe_execution(executionArn=r)["status"] == "RUNNING" for r in runs):
                time.sleep(0.05)
            print(len(TMP_THREADS) - before, sum(t.is_alive() for t in TMP_THREADS))
    """)
    kept, alive = map(int, printed.split())
    # five executions, all finished: at least a thread each, still in the list, none alive
    assert (kept >= 5, alive) == (True, 0), "moto forgets finished threads now: drop work-around 15"


def test_the_interpreters_thread_list_keeps_live_threads_only(rooms: Rooms) -> None:
    # Given the local cloud's interpreter (work-around 15 installed by the cloud fixture)
    import importlib
    import threading

    lists = {id(importlib.import_module(m).TMP_THREADS) for m in moto_gaps._THREAD_LIST_USERS}
    live = importlib.import_module(moto_gaps._THREAD_LIST_USERS[0]).TMP_THREADS
    # When two hundred threads start and finish, one after another
    for _ in range(200):
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
        live.append(thread)
    # Then every module shares one list, and it holds at most the bound of finished threads
    assert len(lists) == 1
    assert len(live) <= 65


def test_gap_16_a_resource_whose_condition_is_false_breaks_describe_stack_resource() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            template = {"Parameters": {"On": {"Type": "String", "Default": "false"}},
                        "Conditions": {"IsOn": {"Fn::Equals": [{"Ref": "On"}, "true"]}},
                        "Resources": {"Off": {"Type": "AWS::SQS::Queue", "Condition": "IsOn"},
                                      "Q": {"Type": "AWS::SQS::Queue"}}}
            cfn.create_stack(StackName="s", TemplateBody=json.dumps(template))
            listed = cfn.describe_stack_resources(StackName="s")["StackResources"]
            try:
                cfn.describe_stack_resource(StackName="s", LogicalResourceId="Q")
                print(json.dumps([len(listed), "ok"]))
            except Exception as exc:
                print(json.dumps([len(listed), type(exc).__name__]))
    """)
    assert json.loads(printed) != [1, "ok"], (
        "moto leaves false-condition resources out now: drop work-around 16"
    )


def test_work_around_16_leaves_out_what_a_false_condition_guards() -> None:
    # Given a template with a condition on a parameter, true by default and false as given
    cfn = {
        "Parameters": {"On": {"Type": "String", "Default": "true"}},
        "Conditions": {
            "IsOn": {"Fn::Equals": [{"Ref": "On"}, "true"]},
            "IsOff": {"Fn::Not": [{"Condition": "IsOn"}]},
        },
        "Resources": {
            "Always": {"Type": "AWS::SQS::Queue"},
            "OnlyOn": {"Type": "AWS::SQS::Queue", "Condition": "IsOn"},
            "OnlyOff": {"Type": "AWS::SQS::Queue", "Condition": "IsOff"},
        },
        "Outputs": {"OnUrl": {"Condition": "IsOn", "Value": {"Ref": "OnlyOn"}}},
    }
    # When the parameter turns the condition off
    dropped = moto_gaps.drop_false_conditions(cfn, {"On": "false"})
    # Then what it guards is left out, and the rest stays
    assert dropped == ["OnlyOn", "OnUrl"]
    assert list(cfn["Resources"]) == ["Always", "OnlyOff"]
    assert cfn["Outputs"] == {}


def test_gap_17_initiate_auth_ignores_the_clients_explicit_auth_flows() -> None:
    printed = raw_moto("""
        with mock_aws():
            idp = boto3.client("cognito-idp", region_name=region)
            pool = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
            client = idp.create_user_pool_client(
                UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
            )["UserPoolClient"]["ClientId"]
            idp.admin_create_user(UserPoolId=pool, Username="u", MessageAction="SUPPRESS")
            idp.admin_set_user_password(UserPoolId=pool, Username="u", Password="Pw-123456789", Permanent=True)
            try:
                idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "u", "PASSWORD": "Pw-123456789"})
                print("signed in")
            except Exception as exc:
                print(type(exc).__name__)
    """)
    assert printed == "signed in", "moto checks ExplicitAuthFlows now: gap 17 is closed"


def test_gap_18_a_list_parameters_default_is_joined_as_characters() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            template = {
                "Parameters": {"Types": {"Type": "CommaDelimitedList", "Default": "c7g.large,m7g.large"}},
                "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"Joined": {"Value": {"Fn::Join": [",", {"Ref": "Types"}]}}},
            }
            cfn.create_stack(StackName="s", TemplateBody=json.dumps(template))
            [stack] = cfn.describe_stacks(StackName="s")["Stacks"]
            print(stack["Outputs"][0]["OutputValue"])
    """)
    assert printed == "c,7,g,.,l,a,r,g,e,,,m,7,g,.,l,a,r,g,e", (
        "moto splits defaults now: gap 18 closed"
    )
    # and the work-around passes every list parameter's default as a value, which moto splits
    cfn = {
        "Parameters": {
            "Types": {"Type": "CommaDelimitedList", "Default": "a,b"},
            "N": {"Type": "String", "Default": "x"},
        }
    }
    assert moto_gaps.list_parameter_defaults(cfn, {"N": "y"}) == {"N": "y", "Types": "a,b"}
    assert moto_gaps.list_parameter_defaults(cfn, {"Types": "c"}) == {"Types": "c"}


FIFO_LANE_BLOCKED = """
    import threading
    from moto.sqs.models import Message
    looks = 0
    visible = Message.visible
    def looking(message):  # each look at a message (a spinning poll looks again and again)
        global looks
        looks += 1
        return visible.fget(message)
    Message.visible = property(looking)
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName="lanes.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for n in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}", MessageGroupId="answers",
                         MessageDeduplicationId=f"m{n}")
    [first] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    # the group is in flight: a long poll finds nothing to deliver until the first is deleted
    threading.Timer(0.5, lambda: sqs.delete_message(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])).start()
    started, cpu = time.time(), time.process_time()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", [])
    print(json.dumps({"body": [m["Body"] for m in got], "cpu": time.process_time() - cpu,
                      "waited": time.time() - started, "looks": looks}))
"""


def test_gap_19_a_long_poll_on_a_blocked_fifo_group_spins() -> None:
    # Given raw moto, a FIFO group in flight and a second message of it waiting
    printed = json.loads(
        raw_moto("with mock_aws():\n" + textwrap.indent(FIFO_LANE_BLOCKED, "    "))
    )
    # When a long poll waits for it / Then it looks at the queue again and again for the
    # whole wait (burning the processor: counted in looks, not seconds, on a busy machine)
    assert printed["looks"] > 1000, "moto's long poll waits now: drop 19"


def test_a_long_poll_waits_and_wakes_when_its_group_is_freed() -> None:
    # Given the work-around, the same queue
    code = "from local import moto_gaps\nmoto_gaps.install_fifo_long_poll()\n"
    printed = json.loads(
        raw_moto(code + "with mock_aws():\n" + textwrap.indent(FIFO_LANE_BLOCKED, "    "))
    )
    # When the in-flight message is deleted half a second in / Then the poll sleeps, and
    # returns the next message of the group as soon as it is free
    assert printed["body"] == ["m1"]
    assert printed["waited"] < 1.0
    assert printed["looks"] < 200


QUEUE_WITH_BACKLOG = """
    from moto.sqs.models import Message
    walked = 0
    visible = Message.visible
    def counting(message):
        global walked
        walked += 1
        return visible.fget(message)
    Message.visible = property(counting)
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName="backlog")["QueueUrl"]
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": f"m{n}"} for n in range(10)])
    for _ in range(9):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "MessageBody": f"m{n}"} for n in range(10)])
    walked = 0
    sqs.send_message(QueueUrl=url, MessageBody="one more")
    sent = walked
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    print(json.dumps({"walked": sent, "count": attributes["ApproximateNumberOfMessages"]}))
"""


def test_gap_20_a_send_walks_every_message_in_the_queue() -> None:
    # Given raw moto and a queue with 100 messages waiting
    printed = json.loads(
        raw_moto("with mock_aws():\n" + textwrap.indent(QUEUE_WITH_BACKLOG, "    "))
    )
    # When one more is sent / Then the send looked at every message, more than once
    assert printed["walked"] >= 200, "moto's send no longer counts the queue: drop 20"


def test_a_send_leaves_the_backlog_alone_and_the_counts_stay_right() -> None:
    # Given the work-around, the same queue
    code = "from local import moto_gaps\nmoto_gaps.install_uncounted_sends()\n"
    printed = json.loads(
        raw_moto(code + "with mock_aws():\n" + textwrap.indent(QUEUE_WITH_BACKLOG, "    "))
    )
    # When one more is sent / Then no message was looked at, and GetQueueAttributes counts all
    assert printed == {"walked": 0, "count": "101"}


SERVICE_LOOKUPS = """
    from moto import backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    listed = 0
    list_modules = backends.list_of_moto_modules
    def counting():
        global listed
        listed += 1
        return list_modules()
    backends.list_of_moto_modules = counting
    dispatcher = DomainDispatcherApplication(create_backend_app)
    auth = ("AWS4-HMAC-SHA256 Credential=testing/20261205/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=0")
    environ = {"PATH_INFO": "/", "HTTP_AUTHORIZATION": auth,
               "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.Query"}
    apps = {id(dispatcher.get_application(dict(environ))) for _ in range(20)}
    print(json.dumps({"listed": listed, "apps": len(apps)}))
"""


def test_gap_21_every_request_looks_its_service_up_again() -> None:
    # Given raw moto's server dispatcher
    printed = json.loads(raw_moto(SERVICE_LOOKUPS))
    # When 20 requests for one service arrive / Then each lists moto's modules on disk again
    assert printed == {"listed": 20, "apps": 1}, "moto keeps the lookup now: drop 21"


def test_a_hosts_service_is_looked_up_once() -> None:
    # Given the work-around
    code = "from local import moto_gaps\nmoto_gaps.install_service_lookup_cache()\n"
    printed = json.loads(raw_moto(code + textwrap.dedent(SERVICE_LOOKUPS)))
    # When 20 requests for one service arrive / Then the first looks it up, and all reach one app
    assert printed == {"listed": 1, "apps": 1}


def test_gap_22_a_layer_versions_location_reads_nothing_and_its_ref_is_an_object() -> None:
    printed = raw_moto("""
        import io, zipfile
        with mock_aws():
            s3 = boto3.client("s3", region_name=region)
            s3.create_bucket(Bucket="code")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("python/x.py", "")
            s3.put_object(Bucket="code", Key="layer.zip", Body=buffer.getvalue())
            cfn = boto3.client("cloudformation", region_name=region)
            template = {
                "Resources": {"Layer": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
                    "LayerName": "layer", "Content": {"S3Bucket": "code", "S3Key": "layer.zip"}}}},
                "Outputs": {"Arn": {"Value": {"Fn::Sub": "${Layer}"}}},
            }
            cfn.create_stack(StackName="s", TemplateBody=json.dumps(template))
            [stack] = cfn.describe_stacks(StackName="s")["Stacks"]
            awslambda = boto3.client("lambda", region_name=region)
            awslambda.publish_layer_version(
                LayerName="direct", Content={"S3Bucket": "code", "S3Key": "layer.zip"})
            version = awslambda.get_layer_version(LayerName="direct", VersionNumber=1)
            print(json.dumps([stack["Outputs"][0]["OutputValue"][:30], version["Content"]["Location"]]))
    """)
    assert json.loads(printed) == ["<moto.awslambda.models.LayerVe", "s3://"], (
        "moto answers layer versions as AWS does now: gap 22 closed"
    )


def test_the_local_clouds_layers_are_read_from_their_location_by_their_arn(rooms: Rooms) -> None:
    # Given the deployed layer of the render host's code, named by its ARN as the template's
    # launch template names it
    user_data = rooms.cloud.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=rooms.cloud.outputs["RenderHostLaunchTemplateId"], Versions=["$Default"]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"]
    arns = re.findall(
        r"arn:aws:lambda:[^\" ]+:layer:[^\" ]+:\d+", base64.b64decode(user_data).decode()
    )
    assert len(arns) == 2
    name, version = arns[1].rsplit(":", 1)
    # When GetLayerVersion is asked for it
    reply = rooms.cloud.client("lambda").get_layer_version(
        LayerName=name, VersionNumber=int(version)
    )
    # Then its location serves the layer's zip: the render host's code
    with urllib.request.urlopen(reply["Content"]["Location"], timeout=10) as response:
        names = zipfile.ZipFile(io.BytesIO(response.read())).namelist()
    assert {"agent.py", "__main__.py", "requirements.txt"} <= set(names)


def test_gap_23_aws_public_parameters_are_missing_and_reserved() -> None:
    printed = raw_moto("""
        ssm = boto3.client("ssm", region_name=region)
        name = "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"
        with mock_aws():
            found = ssm.get_parameters(Names=[name])["Parameters"]
            try:
                ssm.put_parameter(Name=name, Value="ami-12c6146b", Type="String")
                put = "put"
            except ssm.exceptions.ClientError as exc:
                put = exc.response["Error"]["Code"]
            print(json.dumps([found, put]))
    """)
    assert json.loads(printed) == [[], "AccessDeniedException"], (
        "moto knows the public Ubuntu parameter now: gap 23 closed"
    )


def test_the_local_cloud_resolves_the_templates_stock_image_parameter(rooms: Rooms) -> None:
    # Given the deployed stack, whose render host image is a public parameter's default
    [stack] = rooms.cloud.client("cloudformation").describe_stacks(StackName="livehost")["Stacks"]
    ssm = rooms.cloud.client("ssm")
    name = "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"
    # Then the parameter names the emulator's stand-in image, which the launch template boots
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "ami-12c6146b"
    data = rooms.cloud.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=rooms.cloud.outputs["RenderHostLaunchTemplateId"], Versions=["$Default"]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert data["ImageId"] == "ami-12c6146b"
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_work_around_24_the_stacks_api_url_names_the_local_gateway(rooms: Rooms) -> None:
    # Given the deployed stack's outputs, as a client reads them
    [stack] = rooms.cloud.client("cloudformation").describe_stacks(StackName="livehost")["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    # Then ApiUrl names the local gateway's stage, not an execute-api host that resolves nowhere
    assert rooms.cloud.api is not None
    assert outputs["ApiUrl"] == f"{rooms.cloud.api.url}/v1" == rooms.cloud.outputs["ApiUrl"]
    # And an operator route there answers as API Gateway's authorizer does without a token
    request = urllib.request.Request(outputs["ApiUrl"] + "/rooms")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_gap_25_ivs_has_no_recording_configurations() -> None:
    printed = raw_moto("""
        with mock_aws():
            ivs = boto3.client("ivs", region_name=region)
            try:
                ivs.create_recording_configuration(
                    name="r", destinationConfiguration={"s3": {"bucketName": "b"}}
                )
                print("created")
            except Exception as exc:
                print(type(exc).__name__)
    """)
    assert printed != "created", "moto now keeps recording configurations: drop work-around 25"


def test_the_local_ivs_records_a_channel_in_ivss_layout(rooms: Rooms) -> None:
    # Given the stack's recording configuration, made by the local deployment (gap 25)
    ivs = rooms.cloud.client("ivs")
    arn = moto_gaps.local_recording_configuration_arn("livehost-replays")
    configuration = ivs.get_recording_configuration(arn=arn)["recordingConfiguration"]

    # Then it writes to the stack's bucket, and a run's recording lands there in IVS's layout
    bucket = rooms.cloud.outputs["AssetsBucketName"]
    assert configuration["destinationConfiguration"] == {"s3": {"bucketName": bucket}}
    assert configuration["recordingReconnectWindowSeconds"] == 60
    rooms.create("gap-20-room", script=short_script(1))
    assert rooms.wait(rooms.start("gap-20-room"))["status"] == "SUCCEEDED"
    rooms.cloud.recorder.wait()
    prefix = rooms.cloud.recorder.finished[-1]
    channel = rooms.store.get_room("gap-20-room").channel
    assert channel is not None
    assert prefix.startswith(f"ivs/v1/123456789012/{channel.channel_arn.rsplit('/', 1)[-1]}/")
    s3 = rooms.cloud.client("s3")
    ended = json.loads(
        s3.get_object(Bucket=bucket, Key=f"{prefix}/events/recording-ended.json")["Body"].read()
    )
    assert (ended["channel_arn"], ended["recording_status"]) == (
        channel.channel_arn,
        "RECORDING_ENDED",
    )
    assert ended["media"]["hls"]["renditions"][0]["path"] == "720p30"


def test_gap_26_an_eventbridge_rule_cannot_deliver_to_lambda() -> None:
    printed = raw_moto("""
        with mock_aws():
            events = boto3.client("events", region_name=region)
            events.put_rule(Name="r", EventPattern=json.dumps({"source": ["aws.ivs"]}))
            events.put_targets(Rule="r", Targets=[
                {"Id": "1", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f"}])
            try:
                events.put_events(Entries=[{"Source": "aws.ivs", "DetailType": "d", "Detail": "{}"}])
                print("delivered")
            except Exception as exc:
                print(type(exc).__name__)
    """)
    assert printed != "delivered", "moto now invokes Lambda targets: drop work-around 26"


def test_an_ivs_event_reaches_the_stacks_handler_through_its_rule(rooms: Rooms) -> None:
    # Given a room on the air in run 1, with its channel
    rooms.create("gap-21-room", script=short_script(1))
    rooms.store.begin_run("gap-21-room")
    rooms.store.record_run_started("gap-21-room", 1, "gap-21-room-1")
    ivs = rooms.cloud.client("ivs")
    channel = ivs.create_channel(name="livehost-gap-21-room")["channel"]
    rooms.store.update_room(
        "gap-21-room",
        channel={
            "channelArn": channel["arn"],
            "ingestEndpoint": "x",
            "playbackUrl": channel["playbackUrl"],
        },
    )

    # When IVS's Recording Start event is put on the default bus
    prefix = f"ivs/v1/123456789012/{channel['arn'].rsplit('/', 1)[-1]}/2026/1/1/0/0/gap21"
    rooms.cloud.client("events").put_events(
        Entries=[
            {
                "Source": "aws.ivs",
                "DetailType": "IVS Recording State Change",
                "Resources": [channel["arn"]],
                "Detail": json.dumps(
                    {
                        "channel_name": "livehost-gap-21-room",
                        "recording_status": "Recording Start",
                        "recording_s3_bucket_name": "b",
                        "recording_s3_key_prefix": prefix,
                    }
                ),
            }
        ]
    )

    # Then the stack's rule invokes RecordingEvents, which files it under run 1
    deadline = time.monotonic() + 20
    while not rooms.store.runs("gap-21-room")[0].recordings and time.monotonic() < deadline:
        time.sleep(0.2)
    [recording] = rooms.store.runs("gap-21-room")[0].recordings
    assert (recording.recording_id, recording.status) == ("gap21", "RECORDING")
    ivs.delete_channel(arn=channel["arn"])
    rooms.store.set_phase("gap-21-room", Phase.ENDED)


def test_gap_27_scheduler_stores_schedules_but_never_fires_them() -> None:
    printed = raw_moto("""
        from datetime import datetime, timedelta, timezone
        with mock_aws():
            sfn = boto3.client("stepfunctions", region_name=region)
            machine = sfn.create_state_machine(
                name="m", roleArn="arn:aws:iam::123456789012:role/r",
                definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
            )["stateMachineArn"]
            soon = datetime.now(timezone.utc) + timedelta(seconds=1)
            boto3.client("scheduler", region_name=region).create_schedule(
                Name="s", ScheduleExpression=f"at({soon:%Y-%m-%dT%H:%M:%S})",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": machine, "RoleArn": "arn:aws:iam::123456789012:role/r"},
            )
            time.sleep(3)
            print(len(sfn.list_executions(stateMachineArn=machine)["executions"]))
    """)
    assert printed == "0", "moto now fires schedules: drop local.scheduler (gap 27)"


def test_the_local_scheduler_fires_a_due_schedule_and_deletes_a_one_time_one(rooms: Rooms) -> None:
    # Given a state machine and a one-time schedule due in 2 s that starts it
    from datetime import UTC, datetime, timedelta

    sfn, scheduler = rooms.cloud.client("stepfunctions"), rooms.cloud.client("scheduler")
    machine = sfn.create_state_machine(
        name="gap-22",
        roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    scheduler.create_schedule(
        Name="gap-22",
        ScheduleExpression=f"at({soon:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": machine,
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "Input": '{"at": "<aws.scheduler.scheduled-time>"}',
        },
    )

    # When it is due
    deadline = time.monotonic() + 10
    while not sfn.list_executions(stateMachineArn=machine)["executions"]:
        assert time.monotonic() < deadline, "the schedule never fired"
        time.sleep(0.2)

    # Then its target was started once, named by the schedule and its time, with its input
    [execution] = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert execution["name"] == f"default-gap-22-{soon:%Y%m%dT%H%M%S}"
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    assert json.loads(described["input"]) == {"at": f"{soon:%Y-%m-%dT%H:%M:%SZ}"}
    # And the one-time schedule is gone
    with pytest.raises(ClientError):
        scheduler.get_schedule(Name="gap-22")


def test_gap_28_ivs_chat_is_not_implemented() -> None:
    printed = raw_moto("""
        from botocore.exceptions import ClientError
        with mock_aws():
            chat = boto3.client("ivschat", region_name=region)
            try:
                chat.create_room(name="r")
            except ClientError as exc:
                print(exc.response["ResponseMetadata"]["HTTPStatusCode"], exc.response["Error"]["Message"])
    """)
    assert printed == "404 Not yet implemented"


def test_the_local_chat_answers_boto3s_ivschat_calls_with_their_shapes(rooms: Rooms) -> None:
    # Given boto3's ivschat client on the local cloud's standard configuration
    chat = rooms.cloud.client("ivschat")
    handler = {"uri": "arn:aws:lambda:us-east-1:123456789012:function:f", "fallbackResult": "DENY"}
    # When a room is made, read, given a token and an event, and deleted
    made = chat.create_room(name="gap-20", messageReviewHandler=handler, tags={"k": "v"})
    read = chat.get_room(identifier=made["id"])
    token = chat.create_chat_token(
        roomIdentifier=made["arn"], userId="u1", capabilities=["SEND_MESSAGE"]
    )
    event = chat.send_event(roomIdentifier=made["arn"], eventName="hello", attributes={"a": "b"})
    chat.delete_room(identifier=made["arn"])
    # Then each answer parses with the service model's shapes, and a gone room is named
    assert (read["arn"], read["name"], read["messageReviewHandler"]) == (
        made["arn"],
        "gap-20",
        handler,
    )
    assert read["tags"] == {"k": "v"} and read["maximumMessageLength"] == 500
    assert token["token"] and token["sessionExpirationTime"].tzinfo is not None
    assert len(event["id"]) == 12
    with pytest.raises(ClientError) as gone:
        chat.get_room(identifier=made["arn"])
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_gap_29_ttl_and_lifecycle_expiration_delete_nothing() -> None:
    printed = raw_moto("""
        with mock_aws():
            ddb, s3 = boto3.client("dynamodb", region_name=region), boto3.client("s3", region_name=region)
            ddb.create_table(
                TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            ddb.update_time_to_live(
                TableName="t", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"}
            )
            ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "expiresAt": {"N": str(int(time.time()) - 3600)}})
            s3.create_bucket(Bucket="expiry-bucket")
            s3.put_bucket_lifecycle_configuration(Bucket="expiry-bucket", LifecycleConfiguration={"Rules": [
                {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}
            ]})
            s3.put_object(Bucket="expiry-bucket", Key="k", Body=b"x")
            time.sleep(2)
            print(ddb.scan(TableName="t")["Count"], s3.list_objects_v2(Bucket="expiry-bucket")["KeyCount"])
    """)
    # an item expired an hour ago and an object under a rule: both still there
    assert printed == "1 1", "moto expires items or objects now: drop work-around 29"


def test_the_local_cloud_expires_timeline_entries_old_speech_and_replays(rooms: Rooms) -> None:
    # Given a timeline entry written eight days ago (7-day retention) and one written now,
    # and a bucket with the stack's lifecycle rules holding a speech object
    import time

    from livehost.models import Room, TimelineEntry
    from livehost.store import RoomStore
    from local.expiry import ExpirySweeper

    now = time.time()
    rooms.store.create_room(Room(room_id="old", name="Old"))
    old = RoomStore(rooms.cloud.table(), clock=lambda: now - 8 * 86400)
    old.append_timeline("old", 1, TimelineEntry(at=old.clock(), kind="phase", text="then"))
    rooms.store.append_timeline("old", 1, TimelineEntry(at=now, kind="phase", text="now"))
    s3 = rooms.cloud.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=rooms.cloud.outputs["AssetsBucketName"])
    s3.create_bucket(Bucket="expiry-probe")
    s3.put_bucket_lifecycle_configuration(
        Bucket="expiry-probe", LifecycleConfiguration={"Rules": rules["Rules"]}
    )
    s3.put_object(Bucket="expiry-probe", Key="speech/old.pcm", Body=b"x")
    s3.put_object(Bucket="expiry-probe", Key="kept/old.json", Body=b"x")
    s3.put_object(Bucket="expiry-probe", Key="ivs/v1/123456789012/c/2026/1/1/0/0/r/0.ts", Body=b"x")

    # When the local cloud sweeps the table now, and the bucket now and 31 days on
    ExpirySweeper(rooms.cloud.client, clock=lambda: now).sweep_table(
        rooms.cloud.outputs["TableName"]
    )
    today = ExpirySweeper(rooms.cloud.client, clock=lambda: now).sweep_bucket("expiry-probe")
    later = ExpirySweeper(rooms.cloud.client, clock=lambda: now + 31 * 86400).sweep_bucket(
        "expiry-probe"
    )

    # Then the expired entry goes and today's stays (the cloud's own sweeper, every 30 s, may
    # have taken it first); the speech and the replay go after 30 days, the rest stays
    assert [e.text for e in rooms.store.timeline("old", 1)] == ["now"]
    assert (today, later) == (0, 2)
    listed = s3.list_objects_v2(Bucket="expiry-probe")["Contents"]
    assert [o["Key"] for o in listed] == ["kept/old.json"]


CLOSED_EXECUTIONS = """
with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
    sfn = boto3.client("stepfunctions", region_name=region)
    arn = sfn.create_state_machine(
        name="m", roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    for i in range(8):
        run = sfn.start_execution(stateMachineArn=arn, name=f"e{i}")["executionArn"]
        while sfn.describe_execution(executionArn=run)["status"] == "RUNNING":
            time.sleep(0.02)
    listed = sfn.list_executions(stateMachineArn=arn)["executions"]
    print(json.dumps(sorted(e["name"] for e in listed)))
"""


def test_gap_30_every_closed_execution_is_kept() -> None:
    # Given raw moto / When eight executions run and close / Then all eight are kept
    printed = json.loads(raw_moto(CLOSED_EXECUTIONS))
    assert printed == [f"e{i}" for i in range(8)], "moto forgets closed executions: drop 30"


def test_the_local_cloud_keeps_the_newest_closed_executions_only() -> None:
    # Given the work-around keeping three closed executions per state machine
    code = (
        "from local import moto_gaps\n"
        "moto_gaps.KEPT_CLOSED_EXECUTIONS = 3\n"
        "moto_gaps.install_closed_execution_pruning()\n"
    )
    # When eight executions run and close, one after another
    printed = json.loads(raw_moto(code + CLOSED_EXECUTIONS))
    # Then the state machine lists the newest: three closed ones, and the last one started
    # unless it has closed already (then it is one of the three)
    assert printed in (["e4", "e5", "e6", "e7"], ["e5", "e6", "e7"])


def test_the_local_cloud_keeps_closed_executions_up_to_a_number_of_history_events() -> None:
    # Given the work-around keeping 10 history events of closed executions per state machine
    # (each of these executions has 4: started, the Pass state entered and exited, succeeded)
    code = (
        "from local import moto_gaps\n"
        "moto_gaps.KEPT_HISTORY_EVENTS = 10\n"
        "moto_gaps.install_closed_execution_pruning()\n"
    )
    # When eight executions run and close, one after another
    printed = json.loads(raw_moto(code + CLOSED_EXECUTIONS))
    # Then the state machine lists the newest two closed ones (8 events; a third would make
    # 12), and the last one started unless it has closed already (then it is one of the two)
    assert printed in (["e5", "e6", "e7"], ["e6", "e7"])


# The answer comes while the message is being sent: before the task waits for a heartbeat.
EARLY_ANSWER = """
from moto.sqs.models import SQSBackend
from moto.stepfunctions.parser.models import stepfunctions_parser_backends
send = SQSBackend.send_message

def answered_at_once(self, queue_name, message_body, *args, **kwargs):
    sent = send(self, queue_name, message_body, *args, **kwargs)
    backend = stepfunctions_parser_backends["123456789012"][region]
    backend.send_task_success(json.loads(message_body)["token"], "{}")
    return sent

SQSBackend.send_message = answered_at_once
with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
    url = boto3.client("sqs", region_name=region).create_queue(QueueName="q")["QueueUrl"]
    sfn = boto3.client("stepfunctions", region_name=region)
    task = {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": url, "MessageBody": {"token.$": "$$.Task.Token"}},
        "HeartbeatSeconds": 1, "End": True,
    }
    arn = sfn.create_state_machine(
        name="m", roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "T", "States": {"T": task}}),
    )["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=arn, name="e")["executionArn"]
    while sfn.describe_execution(executionArn=run)["status"] == "RUNNING":
        time.sleep(0.05)
    history = sfn.get_execution_history(executionArn=run)["events"]
    failed = [e.get("taskTimedOutEventDetails", {}).get("error") for e in history]
    print(json.dumps([sfn.describe_execution(executionArn=run)["status"], [f for f in failed if f]]))
"""


def test_gap_31_a_callback_answered_before_the_heartbeat_wait_times_out() -> None:
    # Given raw moto / When the answer comes while the message is sent / Then a timeout
    printed = json.loads(raw_moto(EARLY_ANSWER))
    assert printed == ["FAILED", ["States.Timeout"]], "moto sees it now: drop 31"


def test_a_callback_answered_before_the_heartbeat_wait_completes_the_task() -> None:
    # Given the work-around / When the answer comes while the message is sent
    code = "from local import moto_gaps\nmoto_gaps.install_early_callback_answers()\n"
    printed = json.loads(raw_moto(code + EARLY_ANSWER))
    # Then the task completes with it
    assert printed == ["SUCCEEDED", []]


def test_gap_32_describe_stacks_lists_a_list_parameter_as_its_python_repr() -> None:
    printed = raw_moto("""
        with mock_aws():
            cfn = boto3.client("cloudformation", region_name=region)
            cfn.create_stack(StackName="s", TemplateBody=json.dumps({
                "Parameters": {"Types": {"Type": "CommaDelimitedList"}},
                "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
            }), Parameters=[{"ParameterKey": "Types", "ParameterValue": "a,b"}])
            print(cfn.describe_stacks(StackName="s")["Stacks"][0]["Parameters"][0]["ParameterValue"])
    """)
    assert printed == "['a', 'b']", "moto now writes lists as text: drop gap 32's patch"


def test_the_local_cloud_lists_the_stacks_list_parameters_as_text(rooms: Rooms) -> None:
    described = rooms.cloud.client("cloudformation").describe_stacks(StackName="livehost")
    parameters = {
        p["ParameterKey"]: p["ParameterValue"] for p in described["Stacks"][0]["Parameters"]
    }
    assert parameters["RenderHostInstanceTypes"] == "c7g.large,c6g.large,m7g.large"


# A replay's piece (1 MB) and a small object, written, read whole and in part, copied and deleted.
OBJECT_BYTES = """
import os
from pathlib import Path
from moto.s3.models import s3_backends
with mock_aws():
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket="gap-objects")
    big, small = os.urandom(1024 * 1024), b"x" * 1000
    s3.put_object(Bucket="gap-objects", Key="big", Body=big)
    s3.put_object(Bucket="gap-objects", Key="small", Body=small)
    s3.copy_object(Bucket="gap-objects", Key="copy", CopySource={"Bucket": "gap-objects", "Key": "big"})
    keys = s3_backends["123456789012"]["aws"].buckets["gap-objects"].keys
    def held(name):
        buffer = keys[name]._value_buffer
        if type(buffer).__name__ == "ObjectBytes":
            return "file" if buffer._path is not None else "memory"
        return "file" if buffer._rolled else "memory"
    files = [keys[k]._value_buffer._path for k in ("big", "copy") if hasattr(keys[k]._value_buffer, "_path")]
    same = (s3.get_object(Bucket="gap-objects", Key="big")["Body"].read() == big
            and s3.get_object(Bucket="gap-objects", Key="copy")["Body"].read() == big
            and s3.get_object(Bucket="gap-objects", Key="big", Range="bytes=10-19")["Body"].read() == big[10:20]
            and s3.get_object(Bucket="gap-objects", Key="small")["Body"].read() == small)
    held_before = [held("big"), held("copy"), held("small")]
    s3.delete_object(Bucket="gap-objects", Key="big")
    print(json.dumps({"held": held_before, "same": same,
                      "files_left": sum(Path(f).exists() for f in files)}))
"""


def test_gap_33_an_objects_bytes_are_held_in_memory() -> None:
    # Given raw moto / When a 1 MB object is stored / Then its bytes are in the process's memory
    printed = json.loads(raw_moto(OBJECT_BYTES))
    assert printed["held"] == ["memory", "memory", "memory"], "moto spills objects: drop 33"


def test_the_local_cloud_keeps_a_large_objects_bytes_in_a_file(tmp_path: Path) -> None:
    # Given the work-around, with its files under a folder of the local cloud
    code = (
        "from pathlib import Path\nfrom local import moto_gaps\n"
        f"moto_gaps.install_objects_on_disk(Path({str(tmp_path)!r}))\n"
    )
    # When objects are written, read, copied and one deleted
    printed = json.loads(raw_moto(code + OBJECT_BYTES))
    # Then the large ones' bytes are in files, the small one's in memory, every read gives
    # the bytes written, and the deleted object's file is gone (the copy's stays); once the
    # emulator is reset, no file is left
    assert printed == {"held": ["file", "file", "memory"], "same": True, "files_left": 1}
    assert list(tmp_path.iterdir()) == []


# Fifty messages sent, received and deleted; the last one deleted again.
DELETED_RECEIPTS = """
from moto.sqs.models import sqs_backends
with mock_aws():
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for n in range(50):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
        [message] = sqs.receive_message(QueueUrl=url)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # again: answered
    queue = sqs_backends["123456789012"][region].queues["q"]
    print(len(queue.deleted_messages))
"""


def test_gap_34_a_queue_remembers_every_deleted_message() -> None:
    # Given raw moto / When fifty messages are deleted / Then every receipt is kept (each
    # message's, at least fifty)
    assert int(raw_moto(DELETED_RECEIPTS)) >= 50, "moto forgets deleted receipts: drop 34"


def test_the_local_cloud_remembers_the_newest_deleted_receipts() -> None:
    # Given the work-around remembering ten
    code = (
        "from local import moto_gaps\n"
        "moto_gaps.KEPT_DELETED_RECEIPTS = 10\n"
        "moto_gaps.install_recent_deleted_receipts()\n"
    )
    # When fifty messages are deleted, the last one twice / Then ten are remembered, and the
    # repeated delete is answered as SQS answers it
    assert raw_moto(code + DELETED_RECEIPTS) == "10"


# An execution is held before its interpreter builds its environment (as one is, a moment
# after StartExecution) while a heartbeat for some other task comes in.
STARTING_EXECUTION = """
import threading
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
held, entry = threading.Event(), ExecutionWorker._get_evaluation_entrypoint

def held_entrypoint(self):
    held.wait(10)
    return entry(self)

ExecutionWorker._get_evaluation_entrypoint = held_entrypoint
with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
    sfn = boto3.client("stepfunctions", region_name=region)
    arn = sfn.create_state_machine(
        name="m", roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    sfn.start_execution(stateMachineArn=arn, name="e")
    try:
        sfn.send_task_heartbeat(taskToken="another-task")
        print("answered")
    except Exception as error:
        print(getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__)
    held.set()
"""


def test_gap_35_a_heartbeat_fails_while_an_execution_is_starting() -> None:
    # Given raw moto / When a heartbeat comes while an execution starts / Then it fails
    assert raw_moto(STARTING_EXECUTION) == "AttributeError", "moto skips it now: drop 35"


def test_a_heartbeat_while_an_execution_is_starting_is_answered_as_aws_does() -> None:
    # Given the work-around
    code = "from local import moto_gaps\nmoto_gaps.install_callback_search_past_starting_executions()\n"
    # When a heartbeat for an unknown task comes while an execution starts / Then the answer
    # is the service's: the token is not one it knows
    assert raw_moto(code + STARTING_EXECUTION) == "InvalidToken"


# One item put, then read back fifty times by Scan (which answers with a copy) and GetItem.
TRACKED_INSTANCES = """
import gc
from moto.dynamodb.models.dynamo_type import Item
with mock_aws():
    ddb = boto3.client("dynamodb", region_name=region)
    ddb.create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    for _ in range(50):
        ddb.scan(TableName="t")
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
    gc.collect()
    print(json.dumps([len(Item.instances_tracked), [i.attrs["n"].value for i in Item.instances_tracked][:1]]))
"""


def test_gap_36_every_model_instance_ever_made_is_kept() -> None:
    # Given raw moto / When one item is scanned fifty times / Then every copy is kept
    tracked, _ = json.loads(raw_moto(TRACKED_INSTANCES))
    assert tracked >= 51, "moto no longer keeps every instance: drop 36"


def test_the_local_cloud_tracks_live_model_instances_only() -> None:
    # Given the work-around
    code = "from local import moto_gaps\nmoto_gaps.install_live_model_instances()\n"
    # When one item is scanned fifty times / Then the item alone is tracked, and readable
    assert json.loads(raw_moto(code + TRACKED_INSTANCES)) == [1, ["1"]]
