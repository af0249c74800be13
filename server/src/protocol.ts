/**
 * The custom messages between the client and the language server, typed once for both sides.
 */

/** The server tells the client how many files and resources it indexed, after the start-up scan. */
export const IndexedNotification = 'istioEgress/indexed';

export interface IndexedParams {
  files: number;
  resources: number;
  milliseconds: number;
}
