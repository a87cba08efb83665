#!/usr/bin/env python3
"""The billing service on AWS (cdk.json runs this file): `cdk synth` fails on any plaintext secret (Keyward's guard)
and on any cdk-nag AwsSolutions finding that is not acknowledged with a reason."""
from aws_cdk import Validations
from cdk_nag import AwsSolutionsChecks
from keyward.guard import AwsGuard

from billing.aws_stack import build_app

app = build_app()
Validations.of(app).add_plugins(AwsGuard(), AwsSolutionsChecks(app))
app.synth()
