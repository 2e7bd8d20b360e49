// A module that does not parse.
export const implementation = {
