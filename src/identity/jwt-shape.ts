/** three base64url parts joined by dots: what a JWT in compact form looks like (nothing is checked yet) */
export const JWT_SHAPE = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
