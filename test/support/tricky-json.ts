// JSON texts whose parsed values a writer that splices stored jsonb text must keep (the pull and
// bootstrap wire tests): escapes, control characters, unicode, numbers of every spelling,
// integer-like and duplicate keys, nesting, and non-object documents.
export const TRICKY_JSON_TEXTS: string[] = [
  '{"text": "héllo 😀 ĉ \u2028 \u2029 中文 \\u00e9", "emoji🎉key": 1, "": "empty key"}',
  '{"q": "say \\"hi\\"", "b": "back\\\\slash", "ctl": "\\u0001\\u001f\\n\\t\\r\\b\\f", "slash": "a\\/b", "html": "<script>&</script>"}',
  '{"a": {"b": [1, {"c": [[], {}]}, null, true, false]}, "empty": {}, "arr": [], "deep": [[[["x"]]]]}',
  '{"i": 9007199254740991, "neg": -42, "f": 1.5, "small": 1e-7, "big": 1e21, "trail": 1.50, "exp": 2.5E+3, "zero": 0, "negzero": -0, "huge": 1.5e300, "tiny": 5e-324, "pi": 3.141592653589793}',
  '{"10": "ten", "2": "two", "a": 1, "01": "zero-one", "-1": "minus", "1.5": "x", "4294967295": "max", "b": {"3": 3, "1": 1, "z": 0}}',
  '{"dup": 1, "dup": 2, "long key that sorts after": true, "k": false}',
  "null",
];
