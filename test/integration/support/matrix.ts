/**
 * The allowed/denied matrix a run observed. Each cell records what the engine answered and what Keyward's
 * declaration says it should answer; the table goes to the CI log and the test fails on any mismatch.
 */
export type Outcome = 'allowed' | 'denied';

export interface Cell {
  readonly workload: string;
  readonly target: string;
  readonly action: string;
  readonly expected: Outcome;
  readonly observed: Outcome;
  /** What the engine answered (HTTP status, error code), for the log. */
  readonly evidence: string;
}

export class Matrix {
  private readonly cells: Cell[] = [];
  private readonly limits: string[] = [];

  constructor(private readonly title: string) {}

  public record(cell: Cell): void {
    this.cells.push(cell);
  }

  /** A check the engine cannot make; printed with the matrix so nobody reads a pass into it. */
  public limit(text: string): void {
    this.limits.push(text);
  }

  public get all(): readonly Cell[] {
    return this.cells;
  }

  public mismatches(): Cell[] {
    return this.cells.filter((c) => c.expected !== c.observed);
  }

  public render(): string {
    const rows = this.cells.map((c) => [
      c.workload,
      c.action,
      c.target,
      c.observed === c.expected ? c.observed : `${c.observed} (EXPECTED ${c.expected})`,
      c.evidence,
    ]);
    const header = ['workload', 'action', 'secret/path', 'observed', 'engine answer'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => '| ' + r.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
    const out = [
      `=== ${this.title}: ${this.cells.length} checks, ${this.mismatches().length} mismatches ===`,
      line(header),
      '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
      ...rows.map(line),
    ];
    for (const l of this.limits) out.push(`LIMIT: ${l}`);
    return out.join('\n');
  }

  /** Prints to stdout directly (jest's console capture adds stack noise and can be silenced). */
  public print(): void {
    process.stdout.write('\n' + this.render() + '\n\n');
  }
}
