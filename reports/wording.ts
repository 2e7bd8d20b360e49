/** `1 failure`, `2 failures`: a count with its noun in the number the count takes. */
export function counted(count: number, singular: string, plural = `${singular}s`, shown: string = String(count)): string {
  return `${shown} ${count === 1 ? singular : plural}`;
}
