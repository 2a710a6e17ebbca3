/**
 * Component names for imported assertions: promptfoo's `metric` (or, without one, the assertion type) as rewardkit's
 * snake_case name, made unique with _2, _3, … in file order. promptfoo averages assertions that share a metric into
 * one named score; rewardkit keeps each as its own component (the import notes it).
 */
export class ComponentNames {
  private readonly used = new Set<string>();

  /** A unique snake_case name from `wanted` (a metric or an assertion type). */
  take(wanted: string): string {
    let base = wanted
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    if (!/^[a-z]/.test(base)) base = `m_${base}`.replace(/_+$/, '');
    let name = base;
    for (let index = 2; this.used.has(name); index++) name = `${base}_${index}`;
    this.used.add(name);
    return name;
  }
}
