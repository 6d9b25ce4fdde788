# Trust building: flattery, special attention, claimed shared interests, gifts or money offered.
family: trust-building

[flattery] 0.3 | Flattery or special attention | suppress: cat dog puppy kitten drawing painting essay project goal game
you are so mature
mature for your age
so mature
you seem older
you look older
look older than
you are different from other
not like other girls
not like other boys
not like other kids
you are so pretty
you are pretty
so pretty
you are beautiful
so beautiful
you are gorgeous
so gorgeous
you are perfect
you are so special
you are special
prettiest girl
cutest girl
you are so cute
you are cute
you are stunning
wish i had a girlfriend like you
wish i had a boyfriend like you
you are the only one who
you are really talented
so talented
your so mature
your so pretty
your beautiful
your so beautiful
your gorgeous
your so cute
your cute
your special
your so special

[emotional-bond] 0.3 | Builds an exclusive emotional bond
only one who understands
you understand me
no one understands you like i do
no one gets you like i do
i get you
you can tell me anything
you can trust me
i am always here for you
i will always be here for you
we have a special connection
special connection
special bond
soulmate
i think about you all the time
cant stop thinking about you
i care about you so much
i am the only one who
your parents dont understand you
your friends dont understand you
you deserve better
i would never hurt you

[shared-interests] 0.15 | Claims shared interests to find common ground
we have so much in common
so much in common
just like me
i love that too
i am into that too
same here i love
i play that too
i also play

[gift-offer] 0.45 | Offers gifts, game currency or money | suppress: birthday christmas chores allowance pocket grades report
i will buy you
i can buy you
i will send you money
i can send you money
send you some money
i will get you
i can get you anything
i will give you
free robux
robux
vbucks
v bucks
i will pay for your
i can pay for your
buy you a new
send you a gift
i will top up
top up your
gift card for you
