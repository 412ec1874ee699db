/** Pieces that the schemas of every resource share. */

/**
 * The schema of a form or a JSON body: an object with these fields and no others, of which
 * `required` must be there. `id` names it `<resource>.<action>`.
 */
export function objectSchema<
  const Id extends string,
  const P extends Record<string, object>,
  const R extends readonly (keyof P & string)[],
>(id: Id, required: R, properties: P) {
  return { $id: id, type: 'object', additionalProperties: false, required, properties } as const;
}
