import { Construct } from 'constructs';
import * as kms from 'aws-cdk-lib/aws-kms';
export interface FooProps { readonly alias?: string }
export class Foo extends Construct {
  public readonly key: kms.IKey;
  constructor(scope: Construct, id: string, props: FooProps = {}) { super(scope, id); this.key = new kms.Key(this, 'K', { alias: props.alias }); }
}
