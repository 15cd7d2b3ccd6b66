// What "field = value" means in the record browser: the typed text as a string, or, when it reads
// as JSON (42, true, null, ["a"]), also that JSON value, so `pinned = true` finds booleans and
// `title = 42` finds both the number and the text "42".
export function fieldValueCandidates(value: string): [string, string] {
  const asString = JSON.stringify(value);
  try {
    return [asString, JSON.stringify(JSON.parse(value))];
  } catch {
    return [asString, asString];
  }
}
