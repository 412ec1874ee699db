/**
 * What a paged list shows around its rows: "Showing from–to", and the links to the pages before
 * and after (made by `href`, which keeps the list's own filters).
 */
export function pageNav(total: number, page: number, pages: number, perPage: number, href: (page: number) => string) {
  return {
    page,
    pages,
    from: total ? (page - 1) * perPage + 1 : 0,
    to: Math.min(total, page * perPage),
    prevHref: page > 1 ? href(page - 1) : undefined,
    nextHref: page < pages ? href(page + 1) : undefined,
  };
}
