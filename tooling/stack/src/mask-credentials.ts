/**
 * Hides the password of every `scheme://user:password@host` in `text` — a URL for a banner, or a
 * driver's message that quotes one — keeping the user and the host, which say which database it is.
 */
export function maskCredentials(text: string): string {
  return text.replace(/(\/\/[^:@/\s]*):[^@/\s]*@/g, '$1:***@');
}
