// What the user-administration tests share: a password that passes the rules, and e-mail
// addresses no other test uses.
export const NEW_PASSWORD = 'Juniper-quartz-ribbon-58';

let counter = 0;
export const uniqueEmail = (prefix: string) => `${prefix}${(counter += 1)}.${Date.now()}@leep.test`;
