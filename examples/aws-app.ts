import { App, Stack } from 'aws-cdk-lib';
import { Foo } from '../lib/aws';
const app = new App();
new Foo(new Stack(app, 'S'), 'F');
app.synth();
