/** The password of every demo account (demo databases only). */
export const DEMO_PASSWORD = 'Leep-demo-sign-in-2017';
