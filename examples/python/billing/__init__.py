"""The billing service's infrastructure, declared with Keyward: ``aws_stack`` (AWS CDK) and ``vault_stack`` (CDKTF)."""
