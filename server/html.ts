const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The one HTML escaper, for the few strings made outside a view (views escape with Handlebars):
 * the five characters that matter in text and in quoted attributes, so that a link's `=` stays as
 * written.
 */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
