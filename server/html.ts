import Handlebars from 'handlebars';

/** The one HTML escaper: the views' own (Handlebars), for the few strings made outside a view. */
export const escapeHtml = (value: unknown): string => Handlebars.Utils.escapeExpression(String(value ?? ''));
