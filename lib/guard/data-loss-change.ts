/** What would happen to a protected resource. */
export enum DataLossKind {
  /** The resource is gone from the new output: the engine deletes it. */
  DELETE = 'delete',
  /** A property that forces replacement changed: the engine creates a new one and deletes the old one. */
  REPLACE = 'replace',
  /** The resource left its stack and appears in another one: a delete there and a create here. */
  MOVE = 'move',
}

/** One secret, key, mount or secret path that would be deleted or replaced. */
export interface DataLossChange {
  readonly kind: DataLossKind;
  /** Stack (CloudFormation stack or cdktf stack) of the old resource. */
  readonly stack: string;
  /** CloudFormation logical id or Terraform address. */
  readonly address: string;
  readonly resourceType: string;
  /** Construct path, when the output records it. */
  readonly constructPath?: string;
  /** Why, one line each. */
  readonly reasons: string[];
  /** A DeletionPolicy/UpdateReplacePolicy Retain or prevent_destroy note, when set. */
  readonly protection?: string;
}

/** The result of comparing two synthesized outputs. */
export interface DataLossReport {
  /** `cloudformation` or `terraform`. */
  readonly target: string;
  readonly oldSource: string;
  readonly newSource: string;
  readonly changes: DataLossChange[];
  /** True when nothing would be deleted or replaced. */
  readonly safe: boolean;
  /** Human-readable report. */
  readonly text: string;
}
